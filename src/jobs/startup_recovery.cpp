#include "jobs/startup_recovery.h"

#include "common/log.h"
#include "jobs/orphan_sweep.h"

namespace edgepix {

namespace {

Status Requeue(JobStore* store, BlobStore* blobs, int max_attempts, bool shared,
               RecoveryReport* report) {
  EDGEPIX_ASSIGN_OR_RETURN(auto interrupted, store->RequeueInterrupted(max_attempts));
  report->requeued = static_cast<int64_t>(interrupted.requeued.size());
  report->poisoned = static_cast<int64_t>(interrupted.poisoned.size());
  // Their rows no longer list the variants an interrupted run published. On
  // a shared store a requeued job is PENDING from the commit on: another
  // node may claim it and publish its variants before these deletes run, so
  // its variants are left to its next run, which replaces each one (as after
  // a lease reclaim). A poisoned job is FAILED: nobody runs it again.
  if (!shared) {
    for (const std::string& id : interrupted.requeued) {
      EDGEPIX_RETURN_IF_ERROR(blobs->DeleteVariants(id));
    }
  }
  for (const std::string& id : interrupted.poisoned) {
    EDGEPIX_RETURN_IF_ERROR(blobs->DeleteVariants(id));
  }
  return Status::Ok();
}

}  // namespace

Status RequeueAtStart(JobStore* store, BlobStore* blobs, int max_attempts, RecoveryReport* report) {
  return Requeue(store, blobs, max_attempts, /*shared=*/false, report);
}

Result<RecoveryReport> RecoverAtStart(JobStore* store, BlobStore* blobs, int max_attempts,
                                      int64_t orphan_grace_seconds) {
  RecoveryReport report;
  EDGEPIX_RETURN_IF_ERROR(blobs->RemoveStaleTempFiles());
  EDGEPIX_RETURN_IF_ERROR(RequeueAtStart(store, blobs, max_attempts, &report));

  EDGEPIX_ASSIGN_OR_RETURN(auto swept, SweepOrphans(store, blobs, orphan_grace_seconds));
  report.orphans_removed = swept.removed;
  report.orphans_young = swept.young;
  return report;
}

Result<RecoveryReport> RecoverSharedAtStart(JobStore* store, BlobStore* blobs, int max_attempts,
                                            int64_t orphan_grace_seconds, bool sweep_temps) {
  RecoveryReport report;
  EDGEPIX_RETURN_IF_ERROR(Requeue(store, blobs, max_attempts, /*shared=*/true, &report));
  // Housekeeping only: the other nodes serve meanwhile, so a failed sweep is
  // logged and the node starts (the next start sweeps again).
  if (sweep_temps) {
    Status st = blobs->RemoveStaleTempFiles();
    if (!st.ok()) log::Warning("recovery: cannot remove stale temp objects: " + st.ToString());
  }
  auto swept = SweepOrphans(store, blobs, orphan_grace_seconds);
  if (!swept.ok()) {
    log::Warning("recovery: cannot sweep orphan images: " + swept.status().ToString());
    return report;
  }
  report.orphans_removed = swept->removed;
  report.orphans_young = swept->young;
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
