#include "s3/multipart_sweep.h"

#include <algorithm>

#include "common/log.h"
#include "jobs/retention.h"

namespace edgepix::s3 {

Status RemoveOrphanParts(MultipartIndex* index, BlobStore* parts, int64_t grace_seconds) {
  EDGEPIX_RETURN_IF_ERROR(parts->RemoveStaleTempFiles());
  std::vector<std::string> ids;
  if (grace_seconds == 0) {
    EDGEPIX_ASSIGN_OR_RETURN(ids, parts->ListImageIds());
  } else {
    const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    EDGEPIX_ASSIGN_OR_RETURN(auto images, parts->ListImages());
    for (const StoredImage& image : images) {
      if (image.newest <= now - grace_seconds) ids.push_back(image.id);
    }
  }
  EDGEPIX_ASSIGN_OR_RETURN(auto orphans, index->Unreferenced(ids));
  for (const auto& id : orphans) EDGEPIX_RETURN_IF_ERROR(parts->DeleteImage(id));
  return Status::Ok();
}

Result<int64_t> SweepStaleUploads(MultipartIndex* index, BlobStore* parts,
                                  std::chrono::seconds ttl) {
  EDGEPIX_ASSIGN_OR_RETURN(auto stale, index->InitiatedBefore(IsoTimeAgo(ttl)));
  int64_t removed = 0;
  for (const auto& id : stale) {
    if (!index->Claim(id)) continue;
    auto rows = index->Remove(id);
    index->Unclaim(id);
    if (!rows.ok()) return rows.status();
    if (!*rows) continue;
    for (const auto& p : **rows) (void)parts->DeleteImage(p.blob_id);
    ++removed;
  }
  return removed;
}

MultipartSweeper::MultipartSweeper(MultipartIndex* index, BlobStore* parts,
                                   std::chrono::seconds ttl)
    : index_(index), parts_(parts), ttl_(ttl) {
  thread_ = std::thread([this] { Loop(); });
}

MultipartSweeper::~MultipartSweeper() { Stop(); }

void MultipartSweeper::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  std::lock_guard join(join_mu_);  // Stop may be called from two threads
  if (thread_.joinable()) thread_.join();
}

void MultipartSweeper::Loop() {
  const auto interval =
      std::clamp<std::chrono::seconds>(ttl_ / 4, std::chrono::seconds(1), std::chrono::minutes(10));
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    auto swept = SweepStaleUploads(index_, parts_, ttl_);
    if (!swept.ok()) {
      log::Error("s3 multipart sweep: " + swept.status().ToString());
    } else if (*swept > 0) {
      log::Diagnostic("s3_multipart_swept", {{"uploads", *swept}});
    }
    lock.lock();
    cv_.wait_for(lock, interval, [this] { return stopping_; });
  }
}

}  // namespace edgepix::s3
