// PrefixBatches: --s3-complete-marker's batches, one OPEN batch per
// (bucket, prefix). The first image PUT under PREFIX/ creates it; the images
// put under PREFIX/ join it; a PUT of PREFIX/MARKER closes it, so it becomes
// terminal (and batch.completed is written) once its jobs have run.
//
// The batch is found again by its metadata {"s3": {"bucket", "prefix"}} among
// the OPEN batches of the BatchStore, so a restart keeps it (no table of its
// own). Lock() serialises "find or create, then the job joins" with "close":
// the caller holds it from OpenFor() until the job is committed, so an image
// never lands in a batch its marker has just closed. A batch closed by
// --batch-ttl meanwhile makes that image's PUT fail (kBatchClosed).
// Across nodes sharing one BatchStore (PostgreSQL) the lock also holds a
// cross-node lock on (bucket, prefix) from the `locker` given
// (s3/pg_indexes.h: a PostgreSQL advisory lock), so two nodes never open two
// batches for one prefix; without one it is this process's mutex only.
// Thread-safe; the BatchStore must outlive it.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "jobs/batch_store.h"

namespace edgepix::s3 {

// "a/b/" for "a/b/c.jpg", "" for "c.jpg".
std::string KeyPrefix(std::string_view key);
// Whether `key` is PREFIX/`marker` (or `marker` itself, the bucket's root).
bool IsMarkerKey(std::string_view key, std::string_view marker);

// A cross-node lock, held until destroyed.
class PrefixLock {
 public:
  virtual ~PrefixLock() = default;
};
using PrefixLocker = std::function<Result<std::unique_ptr<PrefixLock>>(const std::string& bucket,
                                                                       const std::string& prefix)>;

// What Lock() holds: this process's mutex, then the cross-node lock (if any).
struct PrefixGuard {
  std::unique_lock<std::mutex> local;
  std::unique_ptr<PrefixLock> shared;
  void Release() {
    shared.reset();
    if (local.owns_lock()) local.unlock();
  }
};

class PrefixBatches {
 public:
  explicit PrefixBatches(BatchStore* batches, PrefixLocker locker = {})
      : batches_(batches), locker_(std::move(locker)) {}
  // Fails only when the cross-node lock cannot be taken.
  Result<PrefixGuard> Lock(const std::string& bucket, const std::string& prefix);
  // The OPEN batch of (bucket, prefix), created when there is none. Call
  // under Lock().
  Result<std::string> OpenFor(const std::string& bucket, const std::string& prefix);
  // Closes the OPEN batch of (bucket, prefix); nullopt when there is none.
  // Call under Lock().
  Result<std::optional<Batch>> Close(const std::string& bucket, const std::string& prefix);

 private:
  Result<std::optional<Batch>> FindOpen(const std::string& bucket, const std::string& prefix);
  BatchStore* batches_;
  const PrefixLocker locker_;
  std::mutex mu_;
};

}  // namespace edgepix::s3
