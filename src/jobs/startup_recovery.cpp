#include "jobs/startup_recovery.h"

namespace edgepix {

Result<RecoveryReport> RecoverAtStart(JobStore* store, BlobStore* blobs, int max_attempts) {
  RecoveryReport report;
  EDGEPIX_RETURN_IF_ERROR(blobs->RemoveStaleTempFiles());

  EDGEPIX_ASSIGN_OR_RETURN(auto interrupted, store->RequeueInterrupted(max_attempts));
  report.requeued = static_cast<int64_t>(interrupted.requeued.size());
  report.poisoned = static_cast<int64_t>(interrupted.poisoned.size());
  // Their rows no longer list the variants an interrupted run published.
  for (const auto* ids : {&interrupted.requeued, &interrupted.poisoned}) {
    for (const std::string& id : *ids) EDGEPIX_RETURN_IF_ERROR(blobs->DeleteVariants(id));
  }

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

}  // namespace edgepix
