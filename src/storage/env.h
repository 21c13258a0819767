// Env: the seam between edgepix and the filesystem.
//
// Everything that touches disk (blob store, temp files, free-space checks) goes
// through an Env, so tests can inject a failed write, fsync or rename, or a full
// disk (see FaultInjectionEnv in tests). Env::Default() is the POSIX one.
// All paths are plain strings chosen by edgepix itself, never by a client.
// Errors: ENOSPC/EDQUOT are kDiskFull, a missing file is kNotFound for
// ReadFile/FileSize/ListDir, everything else kIoError with strerror.
//
// Thread-safety: an Env is shared by every thread (Env::Default() is one
// process-wide object, never destroyed); all its methods may be called
// concurrently. A WritableFile is used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"

namespace edgepix {

// A file being written. Append, then Sync, then Close; the destructor closes
// (without syncing) if Close was not called. Append may buffer: a write error
// (e.g. a full disk) is reported by Append, or at the latest by Sync or Close.
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual Status Append(const char* data, size_t size) = 0;
  virtual Status Sync() = 0;  // fsync: data is durable when this returns OK
  virtual Status Close() = 0;
};

class Env {
 public:
  virtual ~Env() = default;

  // Creates (truncating) a file for writing.
  virtual Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) = 0;
  // Whole file into memory.
  virtual Result<std::string> ReadFile(const std::string& path) = 0;
  // Atomic replace of `to` by `from` (rename(2)).
  virtual Status RenameFile(const std::string& from, const std::string& to) = 0;
  // fsync of a directory, so a rename or unlink inside it is durable.
  virtual Status SyncDir(const std::string& dir) = 0;
  // fsync of a file written and closed earlier (e.g. renamed since): its data is
  // durable when this returns OK. A missing file is kNotFound.
  virtual Status SyncFile(const std::string& path) = 0;
  // Missing file is not an error.
  virtual Status RemoveFile(const std::string& path) = 0;
  // rm -r; missing directory is not an error.
  virtual Status RemoveDirRecursive(const std::string& dir) = 0;
  // mkdir -p
  virtual Status CreateDirs(const std::string& dir) = 0;
  virtual bool FileExists(const std::string& path) = 0;
  virtual Result<uint64_t> FileSize(const std::string& path) = 0;
  // Last modification time (st_mtime) in seconds since the epoch; a missing
  // file is kNotFound.
  virtual Result<int64_t> ModifiedSeconds(const std::string& path) = 0;
  // Names (not paths) of the entries of a directory, without "." and "..".
  virtual Result<std::vector<std::string>> ListDir(const std::string& dir) = 0;
  // Bytes available to an unprivileged writer on the filesystem holding `path`.
  virtual Result<uint64_t> FreeBytes(const std::string& path) = 0;

  // Process-wide POSIX Env; never destroyed.
  static Env* Default();
};

// Writes `data` to `path` atomically and durably: temp file in the same
// directory, fsync, rename, fsync of the directory. Readers see either the old
// file or the whole new one.
Status WriteFileAtomic(Env* env, const std::string& path, const std::string& data);

}  // namespace edgepix
