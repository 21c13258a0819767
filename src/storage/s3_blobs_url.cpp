// --blobs-url's s3://BUCKET/PREFIX?endpoint=..&region=.. (storage/s3_blob_store.h).
#include "sigv4/canonical.h"
#include "storage/s3_blob_store.h"

namespace edgepix {

Result<S3BlobConfig> ParseBlobsUrl(const std::string& url) {
  auto bad = [&](const std::string& why) {
    return Status::Error(ErrorCode::kBadRequest, "--blobs-url " + url + ": " + why);
  };
  constexpr std::string_view kScheme = "s3://";
  if (!std::string_view(url).starts_with(kScheme)) return bad("expected s3://BUCKET/PREFIX");
  std::string rest = url.substr(kScheme.size());
  std::string query;
  if (size_t q = rest.find('?'); q != std::string::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  S3BlobConfig config;
  size_t slash = rest.find('/');
  config.bucket = rest.substr(0, slash);
  if (slash != std::string::npos) config.prefix = rest.substr(slash + 1);
  while (!config.prefix.empty() && config.prefix.back() == '/') config.prefix.pop_back();
  if (config.bucket.empty()) return bad("no bucket");
  for (char c : config.bucket) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) {
      return bad("a bucket name is lower-case letters, digits, '-' and '.'");
    }
  }
  if (config.prefix.starts_with("/") || config.prefix.find("//") != std::string::npos) {
    return bad("the prefix holds an empty segment");
  }
  for (const auto& [name, value] : sigv4::ParseQuery(query)) {
    if (name == "endpoint") {
      config.endpoint = value;
    } else if (name == "region") {
      config.region = value;
    } else {
      return bad("unknown parameter '" + name + "' (endpoint, region)");
    }
  }
  while (!config.endpoint.empty() && config.endpoint.back() == '/') config.endpoint.pop_back();
  if (config.endpoint.empty()) return bad("endpoint=http://HOST:PORT is required");
  if (!config.endpoint.starts_with("http://") && !config.endpoint.starts_with("https://")) {
    return bad("the endpoint must be http:// or https://");
  }
  if (config.endpoint.find('/', config.endpoint.find("://") + 3) != std::string::npos) {
    return bad("the endpoint is scheme://host[:port], without a path");
  }
  if (config.region.empty()) return bad("empty region");
  return config;
}

}  // namespace edgepix
