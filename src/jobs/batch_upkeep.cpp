#include "jobs/batch_upkeep.h"

#include <algorithm>

#include "common/log.h"
#include "jobs/retention.h"

namespace edgepix {

Status RemoveBatch(JobStore* jobs, BatchStore* batches, BlobStore* blobs, JobNotifier* notifier,
                   const std::string& id) {
  EDGEPIX_ASSIGN_OR_RETURN(auto closed, batches->Close(id));
  while (true) {
    EDGEPIX_ASSIGN_OR_RETURN(auto ids, batches->JobIds(id, 200));
    if (ids.empty()) break;
    for (const std::string& job : ids) {
      Status st = RemoveImage(jobs, blobs, notifier, job);
      if (!st.ok() && st.code() != ErrorCode::kNotFound) return st;
      log::JobTransition(job, "DELETED");
    }
  }
  return batches->Delete(id);
}

BatchCloser::BatchCloser(BatchStore* batches, GrantStore* grants, std::chrono::seconds ttl)
    : batches_(batches), grants_(grants), ttl_(ttl) {
  thread_ = std::thread([this] { Loop(); });
}

BatchCloser::~BatchCloser() { Stop(); }

void BatchCloser::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void BatchCloser::Loop() {
  const auto interval = std::clamp<std::chrono::milliseconds>(
      std::chrono::duration_cast<std::chrono::milliseconds>(ttl_) / 4,
      std::chrono::milliseconds(250), std::chrono::milliseconds(60000));
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    lock.unlock();
    auto closed = batches_->CloseCreatedBefore(IsoTimeAgo(ttl_), 200);
    if (!closed.ok()) log::Error("batch ttl: " + closed.status().ToString());
    const int64_t day_ago =
        std::chrono::duration_cast<std::chrono::seconds>(
            (std::chrono::system_clock::now() - std::chrono::hours(24)).time_since_epoch())
            .count();
    if (auto dropped = grants_->DeleteExpiredBefore(day_ago); !dropped.ok()) {
      log::Error("upload grants: " + dropped.status().ToString());
    }
    lock.lock();
    // More than one page closed: go on at once.
    if (closed.ok() && closed->size() == 200) continue;
    cv_.wait_for(lock, interval, [this] { return stopping_; });
  }
}

}  // namespace edgepix
