#include "storage/dir_sync_coalescer.h"

namespace edgepix {

Status DirSyncCoalescer::SyncDir(const std::string& dir) {
  Slot* slot;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto& owned = slots_[dir];
    if (!owned) owned = std::make_unique<Slot>();
    slot = owned.get();
    ++slot->users;
  }
  Status status = slot->group.Submit(
      &dir, [] { return 0; },
      [&](int, GroupCommit<const std::string>::Batch& batch) {
        Status synced = env_->SyncDir(dir);
        {
          std::lock_guard<std::mutex> lock(mu_);
          ++syncs_;
        }
        for (auto* entry : batch) entry->status = synced;
      });
  std::lock_guard<std::mutex> lock(mu_);
  if (--slot->users == 0) slots_.erase(dir);
  return status;
}

long DirSyncCoalescer::syncs() const {
  std::lock_guard<std::mutex> lock(mu_);
  return syncs_;
}

}  // namespace edgepix
