// The staging area of multipart uploads kept clean: parts of uploads nobody
// completes or aborts, and part blobs a crash left without their row.
//
// RemoveOrphanParts (once at start, before the listener takes requests):
// the staging store's temp files and every part blob no row names; with a
// `grace_seconds` (a staging store and index shared by several nodes: a part
// another node has just stored has no row yet) only those whose newest
// object is older than the grace.
// SweepStaleUploads: uploads initiated more than `ttl` ago are aborted (rows
// first, then their blobs); one being completed or aborted right now is left
// alone. MultipartSweeper runs the sweep on a thread every ttl/4 (at least a
// second, at most ten minutes); Stop() (or the destructor; from any thread, more than once) ends it
// promptly.
// The index and store must outlive the sweeper.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "common/status.h"
#include "s3/multipart_index.h"
#include "storage/blob_store.h"

namespace edgepix::s3 {

Status RemoveOrphanParts(MultipartIndex* index, BlobStore* parts, int64_t grace_seconds = 0);
// Returns how many uploads were removed.
Result<int64_t> SweepStaleUploads(MultipartIndex* index, BlobStore* parts,
                                  std::chrono::seconds ttl);

class MultipartSweeper {
 public:
  MultipartSweeper(MultipartIndex* index, BlobStore* parts, std::chrono::seconds ttl);
  ~MultipartSweeper();
  MultipartSweeper(const MultipartSweeper&) = delete;
  MultipartSweeper& operator=(const MultipartSweeper&) = delete;
  void Stop();

 private:
  void Loop();
  MultipartIndex* index_;
  BlobStore* parts_;
  std::chrono::seconds ttl_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // under mu_
  std::mutex join_mu_;
  std::thread thread_;
};

}  // namespace edgepix::s3
