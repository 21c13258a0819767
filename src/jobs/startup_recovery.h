// Startup recovery: puts the data directory back in order before serving.
//
// Runs once, before any worker or HTTP thread starts, so nothing races it:
//  1. temp files of writes a crash interrupted are removed;
//  2. jobs left PROCESSING by a crash go back to PENDING, at the back of the
//     queue, and their variants are removed (JobStore::RequeueInterrupted): a
//     crash counts against a job only when it was the only one running, and
//     one whose counted attempts reached `max_attempts` ends FAILED "poison"
//     (an image that kills the process every time cannot keep the queue in a
//     crash loop, and innocent neighbours do not end poison with it);
//  3. originals and variant directories with no job row are removed: an upload
//     whose original was renamed into place but whose row was never committed
//     (never acknowledged), or an image whose row was deleted just before a
//     crash (jobs/orphan_sweep.h; `orphan_grace_seconds` 0 for a lone node on
//     its own directory, the grace when the blobs are in a bucket).
//
// A node sharing its job store with others (PostgreSQL) runs
// RecoverSharedAtStart instead: its own interrupted jobs and those of nodes
// whose leases expired (JobStore::RequeueInterrupted), temp objects older
// than the grace (a bucket's; a shared directory's tmp/ is left alone) and
// orphans older than the grace, since the other nodes keep serving while it
// starts. There the variants of a requeued job are not removed: the other
// nodes may claim it as soon as it is PENDING and publish variants of their
// own run before a delete would reach them; its next run replaces each one.
// A poisoned job's are removed (it is FAILED, nobody runs it again).
//
// On a full disk step 2 cannot write. The server must still start (a crash
// loop would leave no way to delete anything): it serves with its workers
// held, and a DeferredRequeue retries step 2 alone until it lands, then
// releases them. Steps 1 and 3 are not repeated then: with HTTP threads
// running they would race uploads in flight; they run at the next start.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

#include "common/status.h"
#include "jobs/job_store.h"
#include "storage/blob_store.h"

namespace edgepix {

struct RecoveryReport {
  int64_t requeued = 0;         // PROCESSING -> PENDING
  int64_t poisoned = 0;         // PROCESSING -> FAILED ("poison")
  int64_t orphans_removed = 0;  // image ids removed from the blob store
  int64_t orphans_young = 0;    // image ids without a job kept: inside the grace
};

// Steps 1 to 3. On an error the steps before it have been done; kDiskFull
// from step 2 means: serve, hold the workers, and retry with DeferredRequeue.
Result<RecoveryReport> RecoverAtStart(JobStore* store, BlobStore* blobs, int max_attempts,
                                      int64_t orphan_grace_seconds = 0);

// For a node that shares its job store (see above); only the requeue's
// errors are returned (the sweeps' are logged). `sweep_temps`: the blob
// store's RemoveStaleTempFiles is age-limited (the S3 store's), so it may run
// while other nodes write.
Result<RecoveryReport> RecoverSharedAtStart(JobStore* store, BlobStore* blobs, int max_attempts,
                                            int64_t orphan_grace_seconds, bool sweep_temps);

// Step 2 alone: fills report->requeued and report->poisoned.
[[nodiscard]] Status RequeueAtStart(JobStore* store, BlobStore* blobs, int max_attempts,
                                    RecoveryReport* report);

// Retries RequeueAtStart on its own thread every `interval` until it succeeds,
// then calls `done` (on that thread) once. Stop() (or the destructor) ends the
// retries; `done` is not called after Stop() returns. `store` and `blobs`
// outlive this object.
class DeferredRequeue {
 public:
  DeferredRequeue(JobStore* store, BlobStore* blobs, int max_attempts,
                  std::chrono::milliseconds interval,
                  std::function<void(const RecoveryReport&)> done);
  ~DeferredRequeue();
  DeferredRequeue(const DeferredRequeue&) = delete;
  DeferredRequeue& operator=(const DeferredRequeue&) = delete;
  void Stop();

 private:
  void Loop();
  JobStore* store_;
  BlobStore* blobs_;
  int max_attempts_;
  std::chrono::milliseconds interval_;
  std::function<void(const RecoveryReport&)> done_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // under mu_
  std::thread thread_;
};

}  // namespace edgepix
