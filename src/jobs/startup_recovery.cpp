#include "jobs/startup_recovery.h"

#include "common/log.h"

namespace edgepix {

Status RequeueAtStart(JobStore* store, BlobStore* blobs, int max_attempts, RecoveryReport* report) {
  EDGEPIX_ASSIGN_OR_RETURN(auto interrupted, store->RequeueInterrupted(max_attempts));
  report->requeued = static_cast<int64_t>(interrupted.requeued.size());
  report->poisoned = static_cast<int64_t>(interrupted.poisoned.size());
  // Their rows no longer list the variants an interrupted run published.
  for (const auto* ids : {&interrupted.requeued, &interrupted.poisoned}) {
    for (const std::string& id : *ids) EDGEPIX_RETURN_IF_ERROR(blobs->DeleteVariants(id));
  }
  return Status::Ok();
}

Result<RecoveryReport> RecoverAtStart(JobStore* store, BlobStore* blobs, int max_attempts) {
  RecoveryReport report;
  EDGEPIX_RETURN_IF_ERROR(blobs->RemoveStaleTempFiles());
  EDGEPIX_RETURN_IF_ERROR(RequeueAtStart(store, blobs, max_attempts, &report));

  EDGEPIX_ASSIGN_OR_RETURN(auto ids, blobs->ListImageIds());
  for (const std::string& id : ids) {
    auto job = store->Get(id);
    if (job.ok()) continue;
    if (job.status().code() != ErrorCode::kNotFound) return job.status();
    EDGEPIX_RETURN_IF_ERROR(blobs->DeleteImage(id));
    ++report.orphans_removed;
  }
  return report;
}

DeferredRequeue::DeferredRequeue(JobStore* store, BlobStore* blobs, int max_attempts,
                                 std::chrono::milliseconds interval,
                                 std::function<void(const RecoveryReport&)> done)
    : store_(store),
      blobs_(blobs),
      max_attempts_(max_attempts),
      interval_(interval),
      done_(std::move(done)),
      thread_([this] { Loop(); }) {}

DeferredRequeue::~DeferredRequeue() { Stop(); }

void DeferredRequeue::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void DeferredRequeue::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    if (cv_.wait_for(lock, interval_, [&] { return stopping_; })) return;
    lock.unlock();
    RecoveryReport report;
    Status st = RequeueAtStart(store_, blobs_, max_attempts_, &report);
    lock.lock();
    if (st.ok()) {
      if (!stopping_) done_(report);
      return;
    }
    log::Error("recovery: still cannot requeue interrupted jobs: " + st.ToString());
  }
}

}  // namespace edgepix
