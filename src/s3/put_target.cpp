#include "s3/put_target.h"

#include <algorithm>

#include "image/pipeline.h"
#include "jobs/job.h"
#include "jobs/retention.h"
#include "s3/prefix_batches.h"

namespace edgepix::s3 {
namespace {

constexpr size_t kSniffBytes = 64;

}  // namespace

bool PutTarget::Write(const char* data, size_t size) {
  if (!failed_.ok()) return false;
  if (!decided_) {
    head_.append(data, size);
    if (head_.size() < kSniffBytes) return true;
    return Decide();
  }
  return Append(data, size);
}

Status PutTarget::Close() {
  if (!decided_ && failed_.ok()) Decide();
  return failed_;
}

Status PutTarget::Commit(const std::string& key, const UploadTarget& batch, ObjectRow* row) {
  if (upload_) {
    std::string filename = key.substr(key.rfind('/') == std::string::npos ? 0 : key.rfind('/') + 1);
    if (filename.size() > 200) filename.resize(200);
    EDGEPIX_ASSIGN_OR_RETURN(Job job, upload_->Finish(filename, batch));
    row->job_id = job.id;
    if (b_.workers) b_.workers->Wake();
  } else {
    EDGEPIX_RETURN_IF_ERROR(writer_->Commit());
    row->blob_id = blob_id_;
  }
  return Status::Ok();
}

bool PutTarget::Decide() {
  decided_ = true;
  if (image::SniffFormat(head_) != image::Format::kUnknown) {
    auto begun = b_.intake->Begin();
    if (!begun.ok()) return Failed(begun.status());
    upload_ = std::move(*begun);
  } else {
    blob_id_ = NewJobId();
    auto begun = b_.objects->BeginOriginal(blob_id_);
    if (!begun.ok()) return Failed(begun.status());
    writer_ = std::move(*begun);
  }
  std::string head = std::move(head_);
  return Append(head.data(), head.size());
}

bool PutTarget::Append(const char* data, size_t size) {
  if (size == 0) return true;
  bytes_ += size;
  if (bytes_ > max_bytes_) return Failed(Status::Error(ErrorCode::kTooLarge, "too large"));
  Status st = upload_ ? upload_->Append(data, size) : writer_->Append(data, size);
  return st.ok() || Failed(st);
}

bool PutTarget::Failed(Status st) {
  failed_ = std::move(st);
  return false;
}

Status Pour(BlobReader& from, uint64_t offset, uint64_t size, BodySink& to,
            PayloadDigests* digests) {
  std::string chunk;
  for (uint64_t at = 0; at < size;) {
    EDGEPIX_RETURN_IF_ERROR(from.ReadAt(
        offset + at, static_cast<size_t>(std::min<uint64_t>(size - at, 1 << 20)), &chunk));
    if (chunk.empty()) return Status::Error(ErrorCode::kIoError, "a stored blob ended early");
    if (digests) digests->Update(chunk.data(), chunk.size());
    if (!to.Write(chunk.data(), chunk.size())) return to.Close();
    at += chunk.size();
  }
  return Status::Ok();
}

void ForgetBytes(const S3Backends& b, const ObjectRow& row) {
  if (!row.blob_id.empty()) (void)b.objects->DeleteImage(row.blob_id);
  if (!row.job_id.empty()) (void)RemoveImage(b.jobs, b.images, b.notifier, row.job_id);
}

std::optional<ObjectRow> StoreObject(S3Call& call, PutTarget& target, const std::string& etag,
                                     const std::string& content_type, ObjectChangeKind kind) {
  const S3Backends& b = call.backends;
  // --s3-complete-marker: an image joins its prefix's open batch (the lock
  // keeps a marker from closing it before the job is in).
  PrefixGuard batch_lock;
  UploadTarget upload_target;
  if (b.prefix_batches && target.is_image()) {
    auto locked = b.prefix_batches->Lock(call.bucket, KeyPrefix(call.key));
    if (!locked.ok()) {
      call.Fail(FromStatus(locked.status()));
      return std::nullopt;
    }
    batch_lock = std::move(*locked);
    auto batch = b.prefix_batches->OpenFor(call.bucket, KeyPrefix(call.key));
    if (!batch.ok()) {
      call.Fail(FromStatus(batch.status()));
      return std::nullopt;
    }
    upload_target.batch_id = *batch;
  }
  ObjectRow row;
  Status committed = target.Commit(call.key, upload_target, &row);
  batch_lock.Release();
  if (!committed.ok()) {
    call.Fail(FromStatus(committed));
    return std::nullopt;
  }
  row.bucket = call.bucket;
  row.key = call.key;
  row.size = target.bytes();
  row.etag = etag;
  row.content_type = content_type;
  row.last_modified = NowIso8601();
  auto previous = b.index->Put(row, kind);
  if (!previous.ok()) {
    ForgetBytes(b, row);
    call.Fail(FromStatus(previous.status()));
    return std::nullopt;
  }
  if (*previous) ForgetBytes(b, **previous);
  if (b.prefix_batches && !target.is_image() &&
      IsMarkerKey(call.key, call.options.complete_marker)) {
    auto lock = b.prefix_batches->Lock(call.bucket, KeyPrefix(call.key));
    if (!lock.ok()) {
      call.Fail(FromStatus(lock.status()));
      return std::nullopt;
    }
    auto closed = b.prefix_batches->Close(call.bucket, KeyPrefix(call.key));
    if (!closed.ok()) {
      call.Fail(FromStatus(closed.status()));
      return std::nullopt;
    }
    if (*closed) call.res.set_header("x-edgepix-batch-id", (*closed)->id);
  }
  call.res.status = 200;
  call.res.set_header("ETag", row.etag);
  if (!row.job_id.empty()) call.res.set_header("x-edgepix-job-id", row.job_id);
  return row;
}

}  // namespace edgepix::s3
