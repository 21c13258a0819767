#include "jobs/retention.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <vector>

#include "common/log.h"

namespace edgepix {

Result<std::chrono::seconds> ParseRetention(const std::string& text) {
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  std::string unit = text.substr(digits);
  if (digits == 0 || digits > 9 || unit.size() > 1) {
    return Status::Error(ErrorCode::kBadRequest,
                         "a retention looks like 90s, 30m, 12h, 7d or 2w; got '" + text + "'");
  }
  int64_t n = std::stoll(text.substr(0, digits));
  int64_t scale = 1;
  if (unit == "m") scale = 60;
  if (unit == "h") scale = 3600;
  if (unit == "d") scale = 86400;
  if (unit == "w") scale = 7 * 86400;
  if (!unit.empty() && scale == 1 && unit != "s") {
    return Status::Error(ErrorCode::kBadRequest, "unknown retention unit in '" + text + "'");
  }
  if (n <= 0) return Status::Error(ErrorCode::kBadRequest, "a retention must be positive");
  return std::chrono::seconds(n * scale);
}

std::string IsoTimeAgo(std::chrono::seconds age) {
  return Iso8601(std::chrono::system_clock::now() - age);
}

Status RemoveImage(JobStore* store, BlobStore* blobs, JobNotifier* notifier,
                   const std::string& id) {
  Status row = store->Delete(id);
  if (!row.ok() && row.code() != ErrorCode::kNotFound) return row;
  Status files = blobs->DeleteImage(id);
  if (notifier) notifier->Notify(id);
  return files.ok() ? row : files;
}

Result<int64_t> DeleteImagesOlderThan(JobStore* store, BlobStore* blobs, JobNotifier* notifier,
                                      std::chrono::seconds age) {
  const std::string cutoff = IsoTimeAgo(age);
  int64_t deleted = 0;
  while (true) {
    EDGEPIX_ASSIGN_OR_RETURN(auto ids, store->ListIdsCreatedBefore(cutoff, 200));
    if (ids.empty()) break;
    for (const std::string& id : ids) {
      Status st = RemoveImage(store, blobs, notifier, id);
      if (!st.ok() && st.code() != ErrorCode::kNotFound) return st;
      ++deleted;
    }
  }
  return deleted;
}

RetentionSweeper::RetentionSweeper(JobStore* store, BlobStore* blobs, JobNotifier* notifier,
                                   std::chrono::seconds age)
    : store_(store), blobs_(blobs), notifier_(notifier), age_(age) {
  thread_ = std::thread([this] { Loop(); });
}

RetentionSweeper::~RetentionSweeper() { Stop(); }

void RetentionSweeper::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void RetentionSweeper::Loop() {
  const auto interval = std::clamp<std::chrono::milliseconds>(
      std::chrono::duration_cast<std::chrono::milliseconds>(age_) / 4,
      std::chrono::milliseconds(250), std::chrono::milliseconds(60000));
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    lock.unlock();
    auto deleted = DeleteImagesOlderThan(store_, blobs_, notifier_, age_);
    if (!deleted.ok()) {
      log::Error("retention: " + deleted.status().ToString());
    } else if (*deleted > 0) {
      log::Diagnostic("retention", {{"deleted", static_cast<int64_t>(*deleted)}});
    }
    lock.lock();
    cv_.wait_for(lock, interval, [this] { return stopping_; });
  }
}

}  // namespace edgepix
