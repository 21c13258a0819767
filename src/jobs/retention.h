// Retention: deletes images older than a configured age (`--retain 7d`).
//
// A background thread wakes every `interval` (at most a minute, at least the
// retention divided by four when that is shorter), asks the JobStore for jobs
// created before now - retention, and removes each one like DELETE
// /api/images/{id} does: the job row first (so a worker that is processing it
// discards its output), then the original and every variant, then wakes its
// waiters. Stop() (or the destructor) ends the thread promptly.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "common/status.h"
#include "jobs/job_notifier.h"
#include "jobs/job_store.h"
#include "storage/blob_store.h"

namespace edgepix {

// "90s", "30m", "12h", "7d", "2w" (a bare number is seconds). kBadRequest otherwise.
Result<std::chrono::seconds> ParseRetention(const std::string& text);

// Removes one image the way DELETE /api/images/{id} does (see above): the job
// row, then the original and every variant, then wakes its waiters (notifier
// may be null). kNotFound when there was no such job (its files, if any, are
// removed all the same).
Status RemoveImage(JobStore* store, BlobStore* blobs, JobNotifier* notifier, const std::string& id);

// NowIso8601() shifted back by `age`.
std::string IsoTimeAgo(std::chrono::seconds age);

// Deletes every job created more than `age` ago; returns how many were deleted.
Result<int64_t> DeleteImagesOlderThan(JobStore* store, BlobStore* blobs, JobNotifier* notifier,
                                      std::chrono::seconds age);

class RetentionSweeper {
 public:
  // The pointers must outlive the sweeper. Starts the thread.
  RetentionSweeper(JobStore* store, BlobStore* blobs, JobNotifier* notifier,
                   std::chrono::seconds age);
  ~RetentionSweeper();
  RetentionSweeper(const RetentionSweeper&) = delete;
  RetentionSweeper& operator=(const RetentionSweeper&) = delete;
  void Stop();

 private:
  void Loop();
  JobStore* store_;
  BlobStore* blobs_;
  JobNotifier* notifier_;
  std::chrono::seconds age_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace edgepix
