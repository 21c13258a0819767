// FaultInjectionEnv: a real Env (by default Env::Default()) that can be told to
// fail.
//
// FailNth(op, n, kind) makes the n-th call of `op` from now on fail (n = 1 is
// the very next call) with kIoError or, for kDiskFull, as if errno were ENOSPC;
// FailFrom(op, n, kind) makes that call and every later one fail. A failed
// call does nothing on disk. SetFreeBytes makes FreeBytes report a fixed value.
// Counts of calls are kept per op so tests can assert what was attempted.
// Thread-safe; used by the storage, jobs and worker tests.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "storage/env.h"

namespace edgepix::testing {

enum class FaultOp { kCreate, kAppend, kSync, kClose, kRename, kSyncDir, kRemove, kStat, kCount };
enum class FaultKind { kIoError, kDiskFull };

class FaultInjectionEnv : public Env {
 public:
  explicit FaultInjectionEnv(Env* base = Env::Default());

  void FailNth(FaultOp op, int n, FaultKind kind = FaultKind::kIoError);
  void FailFrom(FaultOp op, int n, FaultKind kind = FaultKind::kIoError);
  void SetFreeBytes(std::optional<uint64_t> bytes);
  // Clears every planned fault and the FreeBytes override (counters keep counting).
  void ClearFaults();
  // Calls of `op` since construction (failed ones included).
  int Calls(FaultOp op) const;

  // Consulted by every wrapped operation; public for the wrapped file.
  Status MaybeFail(FaultOp op, const std::string& what);

  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override;
  Result<std::string> ReadFile(const std::string& path) override;
  Status RenameFile(const std::string& from, const std::string& to) override;
  Status SyncDir(const std::string& dir) override;
  Status SyncFile(const std::string& path) override;  // counted and failed as kSync
  Status RemoveFile(const std::string& path) override;
  Status RemoveDirRecursive(const std::string& dir) override;
  Status CreateDirs(const std::string& dir) override;
  bool FileExists(const std::string& path) override;
  Result<uint64_t> FileSize(const std::string& path) override;
  Result<int64_t> ModifiedSeconds(const std::string& path) override;
  Result<std::vector<std::string>> ListDir(const std::string& dir) override;
  Result<uint64_t> FreeBytes(const std::string& path) override;

 private:
  struct Plan {
    int calls = 0;        // calls seen so far
    int fail_at = 0;      // 0 = no fault planned; else the call number that fails
    bool sticky = false;  // every call >= fail_at fails
    FaultKind kind = FaultKind::kIoError;
  };
  static constexpr size_t kOps = static_cast<size_t>(FaultOp::kCount);

  Env* base_;
  mutable std::mutex mu_;
  std::array<Plan, kOps> plans_{};
  std::optional<uint64_t> free_bytes_;
};

}  // namespace edgepix::testing
