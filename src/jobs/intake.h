// Intake: turns a streamed upload into a durable original plus a PENDING job.
//
// Promise: when Finish() returns a Job, the original is fsync'd under its final
// name and the job row is committed; nothing else counts as accepted. Refusals
// happen as early as possible and leave nothing behind: queue full (kQueueFull)
// and low disk (kDiskFull) before a byte is stored, an over-limit body
// (kTooLarge) while streaming, a non-image (kUnsupportedFormat) or an image
// whose header declares too many pixels (kTooManyPixels) at Finish().
//
// The --min-free-mb margin holds for concurrent uploads too: a request first
// Reserve()s the size it declares, and is refused (kDiskFull) when the free
// space minus every reservation still held would fall under the margin. A
// reservation is released when the request ends; until then the bytes it has
// written count twice (as used space and as reserved), erring on the safe side.
// Intake is thread-safe; a PendingUpload is used by one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "common/status.h"
#include "image/pipeline.h"
#include "jobs/job.h"
#include "jobs/job_store.h"
#include "storage/blob_store.h"

namespace edgepix {

struct IntakeOptions {
  uint64_t max_upload_bytes = 50ull << 20;
  int64_t max_queue = 1000;               // PENDING jobs
  uint64_t min_free_bytes = 64ull << 20;  // disk margin kept free
  image::Limits limits;
};

class Sha256;

// Where an accepted upload goes besides the queue.
struct UploadTarget {
  std::string batch_id;  // join this batch (kNotFound / kBatchClosed at Finish)
  std::string grant_id;  // use up this upload grant in the same transaction
  std::string uploader;  // recorded as Job::uploader
  Moderation moderation = Moderation::kApproved;  // recorded as Job::moderation
};

// One upload in progress. Destroying it without Finish() discards it.
class PendingUpload {
 public:
  ~PendingUpload();
  // kTooLarge once the body passes max_upload_bytes; kDiskFull/kIoError from storage.
  Status Append(const char* data, size_t size);
  uint64_t bytes() const { return bytes_; }
  // Validates, makes the original durable and commits the job row (joining
  // the target's batch and using up its grant in that transaction; on any
  // refusal the original is removed).
  Result<Job> Finish(const std::string& filename, const UploadTarget& target = {});

 private:
  friend class Intake;
  PendingUpload(class Intake* intake, std::string id, std::unique_ptr<BlobWriter> writer,
                std::unique_ptr<Sha256> sha, uint64_t max_bytes);
  class Intake* intake_;
  std::string id_;
  std::unique_ptr<BlobWriter> writer_;
  std::unique_ptr<Sha256> sha_;
  std::string head_;  // first bytes, for sniffing and the header probe
  uint64_t bytes_ = 0;
  uint64_t max_bytes_;  // this upload's limit
  Status failed_;
};

// Disk space held for one request; released when destroyed (before its Intake).
class DiskReservation {
 public:
  ~DiskReservation();
  DiskReservation(const DiskReservation&) = delete;
  DiskReservation& operator=(const DiskReservation&) = delete;

 private:
  friend class Intake;
  DiskReservation(class Intake* intake, uint64_t bytes) : intake_(intake), bytes_(bytes) {}
  class Intake* intake_;
  uint64_t bytes_;
};

class Intake {
 public:
  // The pointers must outlive the Intake.
  Intake(JobStore* store, BlobStore* blobs, IntakeOptions options);
  // Holds `bytes` (a request's declared size) against the free-space margin;
  // kDiskFull when it does not fit beside the reservations already held.
  Result<std::unique_ptr<DiskReservation>> Reserve(uint64_t bytes);
  // `max_bytes` > 0 lowers the size limit for this upload (an upload grant's).
  Result<std::unique_ptr<PendingUpload>> Begin(uint64_t max_bytes = 0);
  const IntakeOptions& options() const { return options_; }

 private:
  friend class PendingUpload;
  friend class DiskReservation;
  JobStore* store_;
  BlobStore* blobs_;
  IntakeOptions options_;
  std::mutex reserve_mu_;
  uint64_t reserved_ = 0;  // under reserve_mu_
};

// A new random job id: 22 url-safe characters (128 bits).
std::string NewJobId();

}  // namespace edgepix
