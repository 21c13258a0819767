#include "storage/s3_blob_io.h"

#include "storage/s3_xml.h"

namespace edgepix::s3client {
namespace {

class S3OriginalWriter : public BlobWriter {
 public:
  S3OriginalWriter(S3Bucket* bucket, std::string key) : bucket_(bucket), key_(std::move(key)) {}
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
    if (!Is2xx(answer)) return ErrorFrom(answer, "CreateMultipartUpload " + key_);
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
    if (!Is2xx(answer)) return ErrorFrom(answer, "UploadPart " + std::to_string(number));
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
    if (!Is2xx(answer) || HasErrorBody(answer)) {
      return ErrorFrom(answer, "CompleteMultipartUpload " + key_);
    }
    return Status::Ok();
  }

  S3Bucket* bucket_;
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
  S3OriginalReader(S3Bucket* bucket, std::string key, uint64_t size, std::string etag)
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
  S3Bucket* bucket_;
  const std::string key_;
  const uint64_t size_;
  const std::string etag_;
};

class S3StagedVariant : public StagedVariant {
 public:
  S3StagedVariant(S3Bucket* bucket, std::string temp, std::string final_key)
      : bucket_(bucket), temp_(std::move(temp)), final_(std::move(final_key)) {}
  // After Publish too: the copy is in place, the temp object is garbage. Here,
  // outside the lock Publish ran under.
  ~S3StagedVariant() override { DropTemp(); }
  Status Publish() override { return bucket_->Copy(temp_, final_); }
  // A bucket's object is durable once the request that made it answered: there
  // is nothing to defer. The temp object goes now, before the job is COMPLETED,
  // so a finished job leaves nothing under tmp/.
  Status MakeDurable() override {
    DropTemp();
    return Status::Ok();
  }

 private:
  void DropTemp() {
    if (dropped_) return;
    dropped_ = true;
    bucket_->Delete(temp_).IgnoreError();  // RemoveStaleTempFiles sweeps a failure
  }

  S3Bucket* bucket_;
  const std::string temp_, final_;
  bool dropped_ = false;
};

}  // namespace

std::unique_ptr<BlobWriter> NewS3OriginalWriter(S3Bucket* bucket, std::string key) {
  return std::make_unique<S3OriginalWriter>(bucket, std::move(key));
}

Result<std::unique_ptr<BlobReader>> OpenS3OriginalReader(S3Bucket* bucket, const std::string& key) {
  S3Request r;
  r.method = "HEAD";
  r.key = key;
  r.op = "head";
  EDGEPIX_ASSIGN_OR_RETURN(auto answer, bucket->client().Send(r));
  if (answer.status != 200) return ErrorFrom(answer, "HeadObject " + key);
  const std::string length = answer.Header("content-length");
  if (length.empty() || length.find_first_not_of("0123456789") != std::string::npos) {
    return Status::Error(ErrorCode::kIoError, "HeadObject " + key + " answered no length");
  }
  return std::unique_ptr<BlobReader>(
      std::make_unique<S3OriginalReader>(bucket, key, std::stoull(length), answer.Header("etag")));
}

std::unique_ptr<StagedVariant> NewS3StagedVariant(S3Bucket* bucket, std::string temp,
                                                  std::string final_key) {
  return std::make_unique<S3StagedVariant>(bucket, std::move(temp), std::move(final_key));
}

}  // namespace edgepix::s3client
