// The S3 BlobStore (contract in storage/s3_blob_store.h).
#include "storage/s3_blob_store.h"

#include <chrono>
#include <set>

#include "sigv4/canonical.h"
#include "sigv4/uri_encode.h"
#include "storage/blob_names.h"
#include "storage/posix_error.h"
#include "storage/s3_client.h"
#include "storage/s3_xml.h"

namespace edgepix {
namespace {

using s3client::ErrorFrom;
using s3client::S3Client;
using s3client::S3Request;
using s3client::S3Response;

bool Ok2xx(const S3Response& r) { return r.status >= 200 && r.status < 300; }

// CompleteMultipartUpload and CopyObject may answer 200 with an <Error> body.
bool ErrorBody(const S3Response& r) { return r.body.find("<Error>") != std::string::npos; }

int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// "2026-12-05T07:18:49.000Z" to seconds since the epoch; 0 when malformed.
int64_t ParseIsoTime(const std::string& t) {
  if (t.size() < 19) return 0;
  std::string compact = t.substr(0, 4) + t.substr(5, 2) + t.substr(8, 2) + "T" + t.substr(11, 2) +
                        t.substr(14, 2) + t.substr(17, 2) + "Z";
  return sigv4::ParseAmzDate(compact).value_or(0);
}

struct Listed {
  std::string key;
  int64_t modified = 0;
};

class Bucket {
 public:
  explicit Bucket(const S3BlobConfig& config) : client_(config) {
    if (!config.prefix.empty()) root_ = config.prefix + "/";
  }
  S3Client& client() { return client_; }
  std::string Key(const std::string& rest) const { return root_ + rest; }
  std::string ImageDir(const std::string& id) const { return Key("images/" + id + "/"); }
  std::string OriginalKey(const std::string& id) const { return ImageDir(id) + "original"; }
  std::string VariantKey(const std::string& id, const std::string& name) const {
    return ImageDir(id) + name + ".webp";
  }

  Status Put(const std::string& key, std::string_view data, const char* op, bool retry = true) {
    S3Request r;
    r.method = "PUT";
    r.key = key;
    r.body = data;
    r.op = op;
    r.retry = retry;
    EDGEPIX_ASSIGN_OR_RETURN(auto answer, client_.Send(r));
    if (!Ok2xx(answer)) return ErrorFrom(answer, "PutObject " + key);
    return Status::Ok();
  }

  Result<std::string> Get(const std::string& key, const char* op, bool retry = true) {
    S3Request r;
    r.key = key;
    r.op = op;
    r.retry = retry;
    EDGEPIX_ASSIGN_OR_RETURN(auto answer, client_.Send(r));
    if (answer.status != 200) return ErrorFrom(answer, "GetObject " + key);
    return std::move(answer.body);
  }

  // Missing is not an error (S3 answers 204 either way; some servers 404).
  Status Delete(const std::string& key, bool retry = true) {
    S3Request r;
    r.method = "DELETE";
    r.key = key;
    r.op = "delete";
    r.retry = retry;
    EDGEPIX_ASSIGN_OR_RETURN(auto answer, client_.Send(r));
    if (!Ok2xx(answer) && answer.status != 404) return ErrorFrom(answer, "DeleteObject " + key);
    return Status::Ok();
  }

  Status Copy(const std::string& from, const std::string& to) {
    S3Request r;
    r.method = "PUT";
    r.key = to;
    r.op = "copy";
    r.headers.emplace_back("x-amz-copy-source",
                           s3client::ObjectPath(client_.config().bucket, from));
    EDGEPIX_ASSIGN_OR_RETURN(auto answer, client_.Send(r));
    if (!Ok2xx(answer) || ErrorBody(answer)) return ErrorFrom(answer, "CopyObject to " + to);
    return Status::Ok();
  }

  // Every key under `prefix` (ListObjectsV2, page by page).
  Result<std::vector<Listed>> List(const std::string& prefix) {
    std::vector<Listed> out;
    std::string token;
    while (true) {
      S3Request r;
      r.op = "list";
      r.query = {{"list-type", "2"}, {"prefix", prefix}};
      if (!token.empty()) r.query.emplace_back("continuation-token", token);
      EDGEPIX_ASSIGN_OR_RETURN(auto answer, client_.Send(r));
      if (answer.status != 200) return ErrorFrom(answer, "ListObjectsV2 " + prefix);
      for (std::string_view block : s3xml::Blocks(answer.body, "Contents")) {
        Listed item;
        item.key = s3xml::Value(block, "Key").value_or("");
        item.modified = ParseIsoTime(s3xml::Value(block, "LastModified").value_or(""));
        if (!item.key.empty()) out.push_back(std::move(item));
      }
      if (s3xml::Value(answer.body, "IsTruncated").value_or("false") != "true") break;
      token = s3xml::Value(answer.body, "NextContinuationToken").value_or("");
      if (token.empty()) break;
    }
    return out;
  }

  // The "directories" right under `prefix` (ListObjectsV2 with a delimiter).
  Result<std::vector<std::string>> ListDirs(const std::string& prefix) {
    std::vector<std::string> out;
    std::string token;
    while (true) {
      S3Request r;
      r.op = "list";
      r.query = {{"list-type", "2"}, {"prefix", prefix}, {"delimiter", "/"}};
      if (!token.empty()) r.query.emplace_back("continuation-token", token);
      EDGEPIX_ASSIGN_OR_RETURN(auto answer, client_.Send(r));
      if (answer.status != 200) return ErrorFrom(answer, "ListObjectsV2 " + prefix);
      for (std::string_view block : s3xml::Blocks(answer.body, "CommonPrefixes")) {
        std::string p = s3xml::Value(block, "Prefix").value_or("");
        if (p.size() > prefix.size() + 1 && p.starts_with(prefix) && p.back() == '/') {
          out.push_back(p.substr(prefix.size(), p.size() - prefix.size() - 1));
        }
      }
      if (s3xml::Value(answer.body, "IsTruncated").value_or("false") != "true") break;
      token = s3xml::Value(answer.body, "NextContinuationToken").value_or("");
      if (token.empty()) break;
    }
    return out;
  }

  Status AbortUpload(const std::string& key, const std::string& upload_id) {
    S3Request r;
    r.method = "DELETE";
    r.key = key;
    r.op = "multipart";
    r.query = {{"uploadId", upload_id}};
    EDGEPIX_ASSIGN_OR_RETURN(auto answer, client_.Send(r));
    if (!Ok2xx(answer) && answer.status != 404) return ErrorFrom(answer, "AbortMultipartUpload");
    return Status::Ok();
  }

 private:
  S3Client client_;
  std::string root_;
};

// Buffers up to the threshold; past it, a multipart upload fed part by part.
class S3OriginalWriter : public BlobWriter {
 public:
  S3OriginalWriter(Bucket* bucket, std::string key) : bucket_(bucket), key_(std::move(key)) {}
  ~S3OriginalWriter() override {
    // Best effort: RemoveStaleTempFiles aborts what this leaves.
    if (!upload_id_.empty() && !committed_) bucket_->AbortUpload(key_, upload_id_).IgnoreError();
  }

  Status Append(const char* data, size_t size) override {
    if (committed_ || failed_) return Status::Error(ErrorCode::kInternal, "writer is finished");
    buffer_.append(data, size);
    written_ += size;
    const S3BlobConfig& c = bucket_->client().config();
    if (upload_id_.empty() && buffer_.size() > c.multipart_threshold) {
      if (Status st = Initiate(); !st.ok()) return Fail(st);
    }
    while (!upload_id_.empty() && buffer_.size() >= c.part_size) {
      if (Status st = UploadPart(std::string_view(buffer_).substr(0, c.part_size)); !st.ok()) {
        return Fail(st);
      }
      buffer_.erase(0, c.part_size);
    }
    return Status::Ok();
  }

  uint64_t bytes_written() const override { return written_; }

  Status Commit() override {
    if (committed_ || failed_) return Status::Error(ErrorCode::kInternal, "writer is finished");
    Status st = upload_id_.empty() ? bucket_->Put(key_, buffer_, "put_original") : Complete();
    if (!st.ok()) return Fail(st);
    committed_ = true;
    std::string().swap(buffer_);
    return Status::Ok();
  }

 private:
  Status Fail(Status st) {
    failed_ = true;
    std::string().swap(buffer_);
    if (!upload_id_.empty()) bucket_->AbortUpload(key_, upload_id_).IgnoreError();
    upload_id_.clear();
    return st;
  }

  Status Initiate() {
    S3Request r;
    r.method = "POST";
    r.key = key_;
    r.op = "multipart";
    r.query = {{"uploads", ""}};
    EDGEPIX_ASSIGN_OR_RETURN(auto answer, bucket_->client().Send(r));
    if (!Ok2xx(answer)) return ErrorFrom(answer, "CreateMultipartUpload " + key_);
    upload_id_ = s3xml::Value(answer.body, "UploadId").value_or("");
    if (upload_id_.empty()) {
      return Status::Error(ErrorCode::kIoError, "CreateMultipartUpload answered no UploadId");
    }
    return Status::Ok();
  }

  Status UploadPart(std::string_view data) {
    S3Request r;
    r.method = "PUT";
    r.key = key_;
    r.op = "upload_part";
    r.body = data;
    const int number = static_cast<int>(etags_.size()) + 1;
    r.query = {{"partNumber", std::to_string(number)}, {"uploadId", upload_id_}};
    EDGEPIX_ASSIGN_OR_RETURN(auto answer, bucket_->client().Send(r));
    if (!Ok2xx(answer)) return ErrorFrom(answer, "UploadPart " + std::to_string(number));
    std::string etag = answer.Header("etag");
    if (etag.empty()) return Status::Error(ErrorCode::kIoError, "UploadPart answered no ETag");
    etags_.push_back(std::move(etag));
    return Status::Ok();
  }

  Status Complete() {
    if (!buffer_.empty() || etags_.empty()) EDGEPIX_RETURN_IF_ERROR(UploadPart(buffer_));
    std::string xml = "<CompleteMultipartUpload>";
    for (size_t i = 0; i < etags_.size(); ++i) {
      xml += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>" +
             s3xml::Escape(etags_[i]) + "</ETag></Part>";
    }
    xml += "</CompleteMultipartUpload>";
    S3Request r;
    r.method = "POST";
    r.key = key_;
    r.op = "multipart";
    r.query = {{"uploadId", upload_id_}};
    r.body = xml;
    EDGEPIX_ASSIGN_OR_RETURN(auto answer, bucket_->client().Send(r));
    if (!Ok2xx(answer) || ErrorBody(answer)) {
      return ErrorFrom(answer, "CompleteMultipartUpload " + key_);
    }
    return Status::Ok();
  }

  Bucket* bucket_;
  const std::string key_;
  std::string buffer_;
  uint64_t written_ = 0;
  std::string upload_id_;
  std::vector<std::string> etags_;
  bool committed_ = false;
  bool failed_ = false;
};

class S3OriginalReader : public BlobReader {
 public:
  S3OriginalReader(Bucket* bucket, std::string key, uint64_t size, std::string etag)
      : bucket_(bucket), key_(std::move(key)), size_(size), etag_(std::move(etag)) {}

  uint64_t size() const override { return size_; }

  Status ReadAt(uint64_t offset, size_t n, std::string* out) override {
    out->clear();
    if (offset >= size_ || n == 0) return Status::Ok();
    const uint64_t last = std::min<uint64_t>(offset + n, size_) - 1;
    S3Request r;
    r.key = key_;
    r.op = "get_range";
    r.headers.emplace_back("Range", "bytes=" + std::to_string(offset) + "-" + std::to_string(last));
    if (!etag_.empty()) r.headers.emplace_back("If-Match", etag_);
    EDGEPIX_ASSIGN_OR_RETURN(auto answer, bucket_->client().Send(r));
    if (answer.status == 200 && offset == 0 && answer.body.size() == last + 1) {
      *out = std::move(answer.body);  // a server that ignores Range for the whole object
      return Status::Ok();
    }
    if (answer.status != 206) return ErrorFrom(answer, "ranged GetObject " + key_);
    if (answer.body.size() != last - offset + 1) {
      return Status::Error(ErrorCode::kIoError, "ranged GetObject " + key_ + " answered " +
                                                    std::to_string(answer.body.size()) +
                                                    " bytes, asked for " +
                                                    std::to_string(last - offset + 1));
    }
    *out = std::move(answer.body);
    return Status::Ok();
  }

 private:
  Bucket* bucket_;
  const std::string key_;
  const uint64_t size_;
  const std::string etag_;
};

class S3StagedVariant : public StagedVariant {
 public:
  S3StagedVariant(Bucket* bucket, std::string temp, std::string final_key)
      : bucket_(bucket), temp_(std::move(temp)), final_(std::move(final_key)) {}
  // After Publish too: the copy is in place, the temp object is garbage. Here,
  // outside the lock Publish ran under.
  ~S3StagedVariant() override {
    bucket_->Delete(temp_).IgnoreError();  // RemoveStaleTempFiles sweeps a failure
  }
  Status Publish() override { return bucket_->Copy(temp_, final_); }

 private:
  Bucket* bucket_;
  const std::string temp_, final_;
};

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
    return std::unique_ptr<BlobWriter>(
        std::make_unique<S3OriginalWriter>(&bucket_, bucket_.OriginalKey(id)));
  }

  Result<std::string> ReadOriginal(const std::string& id) override {
    EDGEPIX_RETURN_IF_ERROR(ValidateImageId(id));
    return bucket_.Get(bucket_.OriginalKey(id), "get");
  }

  Result<std::unique_ptr<BlobReader>> OpenOriginal(const std::string& id) override {
    EDGEPIX_RETURN_IF_ERROR(ValidateImageId(id));
    const std::string key = bucket_.OriginalKey(id);
    S3Request r;
    r.method = "HEAD";
    r.key = key;
    r.op = "head";
    EDGEPIX_ASSIGN_OR_RETURN(auto answer, bucket_.client().Send(r));
    if (answer.status != 200) return ErrorFrom(answer, "HeadObject " + key);
    const std::string length = answer.Header("content-length");
    if (length.empty() || length.find_first_not_of("0123456789") != std::string::npos) {
      return Status::Error(ErrorCode::kIoError, "HeadObject " + key + " answered no length");
    }
    return std::unique_ptr<BlobReader>(std::make_unique<S3OriginalReader>(
        &bucket_, key, std::stoull(length), answer.Header("etag")));
  }

  Status PutVariant(const std::string& id, const std::string& name,
                    const std::string& data) override {
    EDGEPIX_RETURN_IF_ERROR(ValidateImageId(id));
    EDGEPIX_RETURN_IF_ERROR(ValidateVariantName(name));
    return bucket_.Put(bucket_.VariantKey(id, name), data, "put_variant");
  }

  Result<std::unique_ptr<StagedVariant>> StageVariant(const std::string& id,
                                                      const std::string& name,
                                                      const std::string& data) override {
    EDGEPIX_RETURN_IF_ERROR(ValidateImageId(id));
    EDGEPIX_RETURN_IF_ERROR(ValidateVariantName(name));
    const std::string temp = bucket_.Key("tmp/" + id + "." + name + "." + RandomSuffix());
    EDGEPIX_RETURN_IF_ERROR(bucket_.Put(temp, data, "put_variant"));
    return std::unique_ptr<StagedVariant>(
        std::make_unique<S3StagedVariant>(&bucket_, temp, bucket_.VariantKey(id, name)));
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

  Bucket bucket_;
};

}  // namespace

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
