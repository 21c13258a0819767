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
// Thread-safe; the BatchStore must outlive it.
#pragma once

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

class PrefixBatches {
 public:
  explicit PrefixBatches(BatchStore* batches) : batches_(batches) {}
  std::unique_lock<std::mutex> Lock() { return std::unique_lock<std::mutex>(mu_); }
  // The OPEN batch of (bucket, prefix), created when there is none. Call
  // under Lock().
  Result<std::string> OpenFor(const std::string& bucket, const std::string& prefix);
  // Closes the OPEN batch of (bucket, prefix); nullopt when there is none.
  // Call under Lock().
  Result<std::optional<Batch>> Close(const std::string& bucket, const std::string& prefix);

 private:
  Result<std::optional<Batch>> FindOpen(const std::string& bucket, const std::string& prefix);
  BatchStore* batches_;
  std::mutex mu_;
};

}  // namespace edgepix::s3
