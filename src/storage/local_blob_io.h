// The local blob store's writer and reader (internal to storage/).
//
// LocalBlobWriter streams into a temp file and on Commit makes it durable and
// visible under its final name; destroyed uncommitted (or after a failed
// Commit) it removes whatever it left. LocalBlobReader reads with pread(2)
// from a descriptor it owns.
#pragma once

#include <memory>
#include <string>

#include "storage/blob_store.h"
#include "storage/env.h"

namespace edgepix {

struct BlobWriterPaths {
  std::string temp;        // where the bytes are streamed
  std::string final_path;  // name after Commit
  std::string final_dir;   // directory of final_path, created on Commit if needed
  std::string parent_dir;  // parent of final_dir, fsync'd when final_dir is new
};

// Creates the temp file through `env` (which must outlive the writer).
Result<std::unique_ptr<BlobWriter>> NewLocalBlobWriter(Env* env, BlobWriterPaths paths);

// kNotFound when `path` does not exist.
Result<std::unique_ptr<BlobReader>> OpenLocalBlobReader(const std::string& path);

}  // namespace edgepix
