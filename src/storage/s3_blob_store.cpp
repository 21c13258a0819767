// The S3 BlobStore (contract in storage/s3_blob_store.h).
#include "storage/s3_blob_store.h"

#include <algorithm>
#include <map>
#include <set>

#include "storage/blob_names.h"
#include "storage/posix_error.h"
#include "storage/s3_blob_io.h"
#include "storage/s3_bucket.h"
#include "storage/s3_xml.h"

namespace edgepix {
namespace {

using s3client::ErrorFrom;
using s3client::Listed;
using s3client::NewS3OriginalWriter;
using s3client::NewS3StagedVariant;
using s3client::OpenS3OriginalReader;
using s3client::ParseIsoTime;
using s3client::S3Bucket;
using s3client::S3Request;
using s3client::UnixNow;

class S3BlobStore : public BlobStore {
 public:
  explicit S3BlobStore(const S3BlobConfig& config) : bucket_(config) {}

  Status CheckBucket() {
    S3Request r;
    r.method = "HEAD";
    r.op = "head_bucket";
    EDGEPIX_ASSIGN_OR_RETURN(auto answer, bucket_.client().Send(r));
    if (answer.status != 200) {
      Status st = ErrorFrom(answer, "HeadBucket " + bucket_.client().config().bucket);
      return Status::Error(answer.status == 404 ? ErrorCode::kNotFound : st.code(), st.message());
    }
    return Status::Ok();
  }

  Result<std::unique_ptr<BlobWriter>> BeginOriginal(const std::string& id) override {
    EDGEPIX_RETURN_IF_ERROR(ValidateImageId(id));
    return NewS3OriginalWriter(&bucket_, bucket_.OriginalKey(id));
  }

  Result<std::string> ReadOriginal(const std::string& id) override {
    EDGEPIX_RETURN_IF_ERROR(ValidateImageId(id));
    return bucket_.Get(bucket_.OriginalKey(id), "get");
  }

  Result<std::unique_ptr<BlobReader>> OpenOriginal(const std::string& id) override {
    EDGEPIX_RETURN_IF_ERROR(ValidateImageId(id));
    return OpenS3OriginalReader(&bucket_, bucket_.OriginalKey(id));
  }

  Status PutVariant(const std::string& id, const std::string& name,
                    const std::string& data) override {
    EDGEPIX_RETURN_IF_ERROR(ValidateImageId(id));
    EDGEPIX_RETURN_IF_ERROR(ValidateVariantName(name));
    return bucket_.Put(bucket_.VariantKey(id, name), data, "put_variant");
  }

  Result<std::unique_ptr<StagedVariant>> StageVariant(const std::string& id,
                                                      const std::string& name,
                                                      const std::string& data,
                                                      VariantDurability durability) override {
    (void)durability;  // the bucket makes an object durable before it answers
    EDGEPIX_RETURN_IF_ERROR(ValidateImageId(id));
    EDGEPIX_RETURN_IF_ERROR(ValidateVariantName(name));
    const std::string temp = bucket_.Key("tmp/" + id + "." + name + "." + RandomSuffix());
    EDGEPIX_RETURN_IF_ERROR(bucket_.Put(temp, data, "put_variant"));
    return NewS3StagedVariant(&bucket_, temp, bucket_.VariantKey(id, name));
  }

  Result<std::string> ReadVariant(const std::string& id, const std::string& name) override {
    EDGEPIX_RETURN_IF_ERROR(ValidateImageId(id));
    EDGEPIX_RETURN_IF_ERROR(ValidateVariantName(name));
    return bucket_.Get(bucket_.VariantKey(id, name), "get");
  }

  Status DeleteImage(const std::string& id) override {
    EDGEPIX_RETURN_IF_ERROR(ValidateImageId(id));
    return DeleteUnder(id, /*keep_original=*/false);
  }

  Status DeleteVariants(const std::string& id) override {
    EDGEPIX_RETURN_IF_ERROR(ValidateImageId(id));
    return DeleteUnder(id, /*keep_original=*/true);
  }

  Status RemoveStaleTempFiles() override {
    const int64_t cutoff = UnixNow() - bucket_.client().config().stale_after_seconds;
    EDGEPIX_ASSIGN_OR_RETURN(auto temps, bucket_.List(bucket_.Key("tmp/")));
    for (const Listed& item : temps) {
      if (item.modified <= cutoff) EDGEPIX_RETURN_IF_ERROR(bucket_.Delete(item.key));
    }
    // Multipart uploads a crashed writer left (ListMultipartUploads, page by page).
    std::string key_marker, id_marker;
    while (true) {
      S3Request r;
      r.op = "multipart";
      r.query = {{"uploads", ""}, {"prefix", bucket_.Key("images/")}};
      if (!key_marker.empty()) {
        r.query.emplace_back("key-marker", key_marker);
        r.query.emplace_back("upload-id-marker", id_marker);
      }
      EDGEPIX_ASSIGN_OR_RETURN(auto answer, bucket_.client().Send(r));
      if (answer.status != 200) return ErrorFrom(answer, "ListMultipartUploads");
      for (std::string_view block : s3xml::Blocks(answer.body, "Upload")) {
        const std::string key = s3xml::Value(block, "Key").value_or("");
        const std::string upload = s3xml::Value(block, "UploadId").value_or("");
        const int64_t initiated = ParseIsoTime(s3xml::Value(block, "Initiated").value_or(""));
        if (!key.empty() && !upload.empty() && initiated <= cutoff) {
          EDGEPIX_RETURN_IF_ERROR(bucket_.AbortUpload(key, upload));
        }
      }
      if (s3xml::Value(answer.body, "IsTruncated").value_or("false") != "true") break;
      key_marker = s3xml::Value(answer.body, "NextKeyMarker").value_or("");
      id_marker = s3xml::Value(answer.body, "NextUploadIdMarker").value_or("");
      if (key_marker.empty()) break;
    }
    return Status::Ok();
  }

  Result<std::vector<std::string>> ListImageIds() override {
    EDGEPIX_ASSIGN_OR_RETURN(auto dirs, bucket_.ListDirs(bucket_.Key("images/")));
    std::set<std::string> ids;
    for (const std::string& d : dirs) {
      if (ValidateImageId(d).ok()) ids.insert(d);
    }
    return std::vector<std::string>(ids.begin(), ids.end());
  }

  // One listing of images/ (page by page), not one per image.
  Result<std::vector<StoredImage>> ListImages() override {
    const std::string root = bucket_.Key("images/");
    EDGEPIX_ASSIGN_OR_RETURN(auto items, bucket_.List(root));
    std::map<std::string, int64_t> newest;
    for (const Listed& item : items) {
      const std::string rest = item.key.substr(root.size());
      const size_t slash = rest.find('/');
      if (slash == std::string::npos) continue;
      const std::string id = rest.substr(0, slash);
      if (!ValidateImageId(id).ok()) continue;
      int64_t& t = newest[id];
      t = std::max(t, item.modified);
    }
    std::vector<StoredImage> out;
    for (const auto& [id, t] : newest) out.push_back(StoredImage{id, t});
    return out;
  }

  Result<uint64_t> FreeBytes() override { return kFreeBytesUnbounded; }

  Status CheckWritable() override {
    const std::string probe = bucket_.Key("tmp/.writable-probe." + RandomSuffix());
    Status st = bucket_.Put(probe, "ok", "probe", /*retry=*/false);
    if (st.ok()) {
      auto back = bucket_.Get(probe, "probe", /*retry=*/false);
      if (!back.ok()) {
        st = back.status();
      } else if (*back != "ok") {
        st = Status::Error(ErrorCode::kIoError, "the probe object read back different bytes");
      }
    }
    // Removed even after a failed read; a failed put may still have landed.
    Status removed = bucket_.Delete(probe, /*retry=*/false);
    return st.ok() ? removed : st;
  }

 private:
  Status DeleteUnder(const std::string& id, bool keep_original) {
    const std::string original = bucket_.OriginalKey(id);
    EDGEPIX_ASSIGN_OR_RETURN(auto items, bucket_.List(bucket_.ImageDir(id)));
    for (const Listed& item : items) {
      if (keep_original && item.key == original) continue;
      EDGEPIX_RETURN_IF_ERROR(bucket_.Delete(item.key));
    }
    return Status::Ok();
  }

  S3Bucket bucket_;
};

}  // namespace

Result<std::unique_ptr<BlobStore>> OpenS3BlobStore(const S3BlobConfig& config) {
  if (config.endpoint.empty() || config.bucket.empty()) {
    return Status::Error(ErrorCode::kBadRequest, "S3 blob store: endpoint and bucket are required");
  }
  if (config.access_key.empty() || config.secret_key.empty()) {
    return Status::Error(ErrorCode::kBadRequest, "S3 blob store: credentials are required");
  }
  if (config.part_size < (5u << 20) || config.multipart_threshold < config.part_size) {
    return Status::Error(ErrorCode::kBadRequest,
                         "S3 blob store: parts are at least 5 MiB, the threshold at least a part");
  }
  auto store = std::make_unique<S3BlobStore>(config);
  EDGEPIX_RETURN_IF_ERROR(store->CheckBucket());
  return std::unique_ptr<BlobStore>(std::move(store));
}

}  // namespace edgepix
