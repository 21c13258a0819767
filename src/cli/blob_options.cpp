#include "cli/blob_options.h"

#include "cli/s3_options.h"

namespace edgepix::cli {

std::vector<OptionDef> BlobOptionDefs() {
  return {
      {"blobs-url", "",
       "keep originals and variants in an S3-compatible bucket instead of --data: "
       "s3://BUCKET/PREFIX?endpoint=http://HOST:PORT&region=R (credentials from "
       "EDGEPIX_S3_ACCESS_KEY and EDGEPIX_S3_SECRET_KEY, or --blobs-credentials-file). Nodes "
       "share a bucket and prefix only when they share the job store too"},
      {"blobs-credentials-file", "",
       "file with one 'ACCESS_KEY SECRET' line: the credentials for --blobs-url"},
      {"blobs-grace-seconds", "3600",
       "an image in the blob store that no job references (an upload whose job was never "
       "committed) is removed at start only when its newest object is older than this: "
       "younger ones may be uploads in flight on another node. Also the age past which a "
       "bucket's temp objects and unfinished multipart uploads are removed. A lone node on "
       "SQLite and a local --data removes its orphans at start whatever their age"},
  };
}

Result<std::optional<S3BlobConfig>> BlobsConfigFrom(const ParsedOptions& parsed,
                                                    const std::map<std::string, std::string>& env,
                                                    const std::string& url_flag) {
  const std::string url = parsed.Get(url_flag);
  if (url.empty()) {
    if (!parsed.Get("blobs-credentials-file").empty()) {
      return Status::Error(ErrorCode::kBadRequest, "--blobs-credentials-file needs --" + url_flag);
    }
    return std::optional<S3BlobConfig>();
  }
  EDGEPIX_ASSIGN_OR_RETURN(S3BlobConfig config, ParseBlobsUrl(url));
  const std::string file = parsed.Get("blobs-credentials-file");
  if (!file.empty()) {
    std::map<std::string, std::string> keys;
    EDGEPIX_RETURN_IF_ERROR(ReadCredentialsFile("blobs-credentials-file", file, &keys));
    if (keys.size() != 1) {
      return Status::Error(ErrorCode::kBadRequest,
                           "--blobs-credentials-file: expected one 'ACCESS_KEY SECRET' line");
    }
    config.access_key = keys.begin()->first;
    config.secret_key = keys.begin()->second;
  } else {
    auto key = env.find("EDGEPIX_S3_ACCESS_KEY");
    auto secret = env.find("EDGEPIX_S3_SECRET_KEY");
    if (key == env.end() || secret == env.end() || key->second.empty() || secret->second.empty()) {
      return Status::Error(ErrorCode::kBadRequest,
                           "--" + url_flag +
                               " needs credentials: EDGEPIX_S3_ACCESS_KEY and "
                               "EDGEPIX_S3_SECRET_KEY, or --blobs-credentials-file");
    }
    config.access_key = key->second;
    config.secret_key = secret->second;
  }
  return std::optional<S3BlobConfig>(std::move(config));
}

Result<int64_t> BlobsGraceSecondsFrom(const ParsedOptions& parsed) {
  return parsed.GetInt("blobs-grace-seconds", 0, int64_t{1} << 40);
}

}  // namespace edgepix::cli
