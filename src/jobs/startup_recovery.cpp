#include "jobs/startup_recovery.h"

#include <string>
#include <vector>

namespace edgepix {
namespace {

// Every PROCESSING job, following the list cursor.
Result<std::vector<Job>> ProcessingJobs(JobStore* store) {
  std::vector<Job> jobs;
  JobListQuery query;
  query.status = JobStatus::kProcessing;
  query.limit = 200;
  while (true) {
    auto page = store->List(query);
    if (!page.ok()) return page.status();
    for (Job& job : page->jobs) jobs.push_back(std::move(job));
    if (page->next.empty()) break;
    query.cursor = page->next;
  }
  return jobs;
}

}  // namespace

Result<RecoveryReport> RecoverAtStart(JobStore* store, BlobStore* blobs, int max_attempts) {
  RecoveryReport report;
  EDGEPIX_RETURN_IF_ERROR(blobs->RemoveStaleTempFiles());

  auto interrupted = ProcessingJobs(store);
  if (!interrupted.ok()) return interrupted.status();
  for (const Job& job : *interrupted) {
    if (job.attempts < max_attempts) continue;
    JobError error{"poison", "processing was interrupted " + std::to_string(job.attempts) +
                                 " times (the server stopped while working on this image); "
                                 "given up"};
    auto failed = store->MarkFailed(job.id, error);
    if (!failed.ok()) return failed.status();
    ++report.poisoned;
  }
  auto requeued = store->RequeueProcessing();
  if (!requeued.ok()) return requeued.status();
  report.requeued = static_cast<int64_t>(requeued->size());

  auto ids = blobs->ListImageIds();
  if (!ids.ok()) return ids.status();
  for (const std::string& id : *ids) {
    auto job = store->Get(id);
    if (job.ok()) continue;
    if (job.status().code() != ErrorCode::kNotFound) return job.status();
    EDGEPIX_RETURN_IF_ERROR(blobs->DeleteImage(id));
    ++report.orphans_removed;
  }
  return report;
}

}  // namespace edgepix
