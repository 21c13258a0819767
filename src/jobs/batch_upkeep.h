// Batch upkeep: removing a whole batch, and closing batches left open longer
// than --batch-ttl.
//
// RemoveBatch closes the batch first (so no upload joins it meanwhile), then
// removes every image of it like DELETE /api/images/{id} (jobs/retention.h:
// row, original, variants, waiters woken), then the batch row.
//
// BatchCloser is a background thread that closes OPEN batches created more
// than `ttl` ago, checking every ttl/4 (between 250 ms and 60 s), and drops
// upload grants that expired a day ago. Stop() (or the destructor) ends it
// promptly. Pointers must outlive the objects; thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "common/status.h"
#include "jobs/batch_store.h"
#include "jobs/grant_store.h"
#include "jobs/job_notifier.h"
#include "jobs/job_store.h"
#include "storage/blob_store.h"

namespace edgepix {

// kNotFound if the batch is unknown.
Status RemoveBatch(JobStore* jobs, BatchStore* batches, BlobStore* blobs, JobNotifier* notifier,
                   const std::string& id);

class BatchCloser {
 public:
  BatchCloser(BatchStore* batches, GrantStore* grants, std::chrono::seconds ttl);
  ~BatchCloser();
  BatchCloser(const BatchCloser&) = delete;
  BatchCloser& operator=(const BatchCloser&) = delete;
  void Stop();

 private:
  void Loop();
  BatchStore* batches_;
  GrantStore* grants_;
  std::chrono::seconds ttl_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace edgepix
