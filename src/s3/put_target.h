// PutTarget: where the bytes of a new object go (PutObject, CopyObject,
// CompleteMultipartUpload), decided from its first bytes: an image becomes a
// job through jobs/Intake, anything else a plain blob of the S3 object store.
// StoreObject then commits it and records its row, the same way for all three.
//
// Nothing is visible before StoreObject: a PutTarget destroyed uncommitted
// leaves nothing behind. Used by one request's thread; internal to src/s3.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "jobs/intake.h"
#include "s3/object_index.h"
#include "s3/request_body.h"
#include "s3/s3_call.h"

namespace edgepix::s3 {

class PutTarget : public BodySink {
 public:
  // More than `max_bytes` fails the write with kTooLarge.
  PutTarget(const S3Backends& b, uint64_t max_bytes) : b_(b), max_bytes_(max_bytes) {}

  bool Write(const char* data, size_t size) override;
  // The body ended: makes sure the sink exists even for a tiny or empty body.
  Status Close() override;

  bool is_image() const { return upload_ != nullptr; }
  uint64_t bytes() const { return bytes_; }
  // Makes the bytes durable: the job (in `batch`), or the plain blob. Fills
  // the row's blob_id or job_id.
  Status Commit(const std::string& key, const UploadTarget& batch, ObjectRow* row);

 private:
  bool Decide();
  bool Append(const char* data, size_t size);
  bool Failed(Status st);

  const S3Backends& b_;
  uint64_t max_bytes_;
  bool decided_ = false;
  std::string head_;
  uint64_t bytes_ = 0;
  std::unique_ptr<PendingUpload> upload_;
  std::unique_ptr<BlobWriter> writer_;
  std::string blob_id_;
  Status failed_;
};

// Commits `target` as call.bucket/call.key with `etag` and `content_type`:
// the --s3-complete-marker batch of its prefix, the object row (replacing and
// forgetting the previous one), a marker's batch close. Sets the answer's
// status 200 and its ETag / x-edgepix-job-id / x-edgepix-batch-id headers.
// Returns the stored row, or nullopt after answering the error.
// `kind` names the change for S3 event notifications.
std::optional<ObjectRow> StoreObject(S3Call& call, PutTarget& target, const std::string& etag,
                                     const std::string& content_type,
                                     ObjectChangeKind kind = ObjectChangeKind::kPut);

// Writes `size` bytes of `from` from `offset` into `to` (and `digests` when
// given); the sink's error, or the reader's.
Status Pour(BlobReader& from, uint64_t offset, uint64_t size, BodySink& to,
            PayloadDigests* digests);

// Removes what a replaced or deleted row pointed at (after the index changed).
void ForgetBytes(const S3Backends& b, const ObjectRow& row);

}  // namespace edgepix::s3
