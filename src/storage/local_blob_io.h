// The local blob store's writer and reader (internal to storage/).
//
// LocalBlobWriter streams into a temp file and on Commit makes it durable and
// visible under its final name; destroyed uncommitted (or after a failed
// Commit) it removes whatever it left. LocalBlobReader reads with pread(2)
// from a descriptor it owns.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>

#include "storage/blob_store.h"
#include "storage/env.h"

namespace edgepix {

// The directories whose entry in their parent this process has fsync'd. A
// writer that finds its directory already there cannot tell whether the one
// that made it (an upload still in flight, or a process that crashed after
// its mkdir) has fsync'd the parent yet, so it does so itself unless the
// directory is listed here. Meant for a bounded set (the originals' shards).
// Thread-safe.
class SyncedDirs {
 public:
  bool Contains(const std::string& dir) const;
  void Add(const std::string& dir);

 private:
  mutable std::mutex mu_;
  std::unordered_set<std::string> dirs_;
};

struct BlobWriterPaths {
  std::string temp;        // where the bytes are streamed
  std::string final_path;  // name after Commit
  std::string final_dir;   // directory of final_path, created on Commit if needed
  std::string parent_dir;  // parent of final_dir, fsync'd unless synced_dirs lists final_dir
  SyncedDirs* synced_dirs = nullptr;  // outlives the writer; null: fsync parent_dir every Commit
};

// Creates the temp file through `env` (which must outlive the writer).
Result<std::unique_ptr<BlobWriter>> NewLocalBlobWriter(Env* env, BlobWriterPaths paths);

// kNotFound when `path` does not exist.
Result<std::unique_ptr<BlobReader>> OpenLocalBlobReader(const std::string& path);

}  // namespace edgepix
