// DirSyncCoalescer: concurrent fsyncs of the same directory share one.
//
// SyncDir(dir) returns once an Env::SyncDir(dir) that STARTED after this call
// began has completed, with that fsync's status: a caller that renamed or
// unlinked an entry of `dir` and then calls SyncDir(dir) knows its change is
// durable when it returns OK, exactly as if it had run its own fsync. Callers
// that arrive while an fsync of `dir` runs wait for it to end, then one of them
// runs a single fsync for all of them (common/group_commit.h: leader/follower,
// no thread of its own). An fsync error is returned to every caller that fsync
// covered; the next caller runs a new fsync.
//
// Every filesystem call goes through the Env given at construction (so fault
// injection in tests sees each fsync). Thread-safe; directories are told apart
// by their path string as given. A directory's slot lives while callers use it.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "common/group_commit.h"
#include "storage/env.h"

namespace edgepix {

class DirSyncCoalescer {
 public:
  explicit DirSyncCoalescer(Env* env) : env_(env) {}
  DirSyncCoalescer(const DirSyncCoalescer&) = delete;
  DirSyncCoalescer& operator=(const DirSyncCoalescer&) = delete;

  Status SyncDir(const std::string& dir);

  // fsyncs run so far, over all directories (for tests and figures).
  long syncs() const;

 private:
  struct Slot {
    GroupCommit<const std::string> group;
    int users = 0;
  };

  Env* const env_;
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Slot>> slots_;
  long syncs_ = 0;
};

}  // namespace edgepix
