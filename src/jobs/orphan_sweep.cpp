#include "jobs/orphan_sweep.h"

#include <chrono>

namespace edgepix {

Result<OrphanSweepReport> SweepOrphans(JobStore* store, BlobStore* blobs, int64_t grace_seconds,
                                       int64_t now) {
  OrphanSweepReport report;
  EDGEPIX_ASSIGN_OR_RETURN(auto images, blobs->ListImages());
  for (const StoredImage& image : images) {
    auto job = store->Get(image.id);
    if (job.ok()) continue;
    if (job.status().code() != ErrorCode::kNotFound) return job.status();
    if (image.newest > now - grace_seconds) {
      ++report.young;
      continue;
    }
    EDGEPIX_RETURN_IF_ERROR(blobs->DeleteImage(image.id));
    ++report.removed;
  }
  return report;
}

Result<OrphanSweepReport> SweepOrphans(JobStore* store, BlobStore* blobs, int64_t grace_seconds) {
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  return SweepOrphans(store, blobs, grace_seconds, now);
}

}  // namespace edgepix
