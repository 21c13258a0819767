#include "unit/support/fault_injection_env.h"

namespace edgepix::testing {
namespace {

class FaultyWritableFile : public WritableFile {
 public:
  FaultyWritableFile(FaultInjectionEnv* env, std::string path, std::unique_ptr<WritableFile> base)
      : env_(env), path_(std::move(path)), base_(std::move(base)) {}

  Status Append(const char* data, size_t size) override {
    EDGEPIX_RETURN_IF_ERROR(env_->MaybeFail(FaultOp::kAppend, "write " + path_));
    return base_->Append(data, size);
  }
  Status Sync() override {
    EDGEPIX_RETURN_IF_ERROR(env_->MaybeFail(FaultOp::kSync, "fsync " + path_));
    return base_->Sync();
  }
  Status Close() override {
    Status injected = env_->MaybeFail(FaultOp::kClose, "close " + path_);
    Status st = base_->Close();  // the descriptor is released either way, as in POSIX
    return injected.ok() ? st : injected;
  }

 private:
  FaultInjectionEnv* env_;
  std::string path_;
  std::unique_ptr<WritableFile> base_;
};

}  // namespace

FaultInjectionEnv::FaultInjectionEnv(Env* base) : base_(base) {}

void FaultInjectionEnv::FailNth(FaultOp op, int n, FaultKind kind) {
  std::lock_guard<std::mutex> lock(mu_);
  Plan& p = plans_[static_cast<size_t>(op)];
  p.fail_at = p.calls + n;
  p.sticky = false;
  p.kind = kind;
}

void FaultInjectionEnv::FailFrom(FaultOp op, int n, FaultKind kind) {
  FailNth(op, n, kind);
  std::lock_guard<std::mutex> lock(mu_);
  plans_[static_cast<size_t>(op)].sticky = true;
}

void FaultInjectionEnv::SetFreeBytes(std::optional<uint64_t> bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  free_bytes_ = bytes;
}

void FaultInjectionEnv::ClearFaults() {
  std::lock_guard<std::mutex> lock(mu_);
  for (Plan& p : plans_) {
    p.fail_at = 0;
    p.sticky = false;
  }
  free_bytes_.reset();
}

int FaultInjectionEnv::Calls(FaultOp op) const {
  std::lock_guard<std::mutex> lock(mu_);
  return plans_[static_cast<size_t>(op)].calls;
}

Status FaultInjectionEnv::MaybeFail(FaultOp op, const std::string& what) {
  std::lock_guard<std::mutex> lock(mu_);
  Plan& p = plans_[static_cast<size_t>(op)];
  ++p.calls;
  bool fail = p.fail_at != 0 && (p.calls == p.fail_at || (p.sticky && p.calls > p.fail_at));
  if (!fail) return Status::Ok();
  if (p.kind == FaultKind::kDiskFull) {
    return Status::Error(ErrorCode::kDiskFull, what + ": No space left on device (injected)");
  }
  return Status::Error(ErrorCode::kIoError, what + ": Input/output error (injected)");
}

Result<std::unique_ptr<WritableFile>> FaultInjectionEnv::NewWritableFile(const std::string& path) {
  EDGEPIX_RETURN_IF_ERROR(MaybeFail(FaultOp::kCreate, "open " + path));
  auto base = base_->NewWritableFile(path);
  if (!base.ok()) return base.status();
  return std::unique_ptr<WritableFile>(
      std::make_unique<FaultyWritableFile>(this, path, std::move(*base)));
}

Result<std::string> FaultInjectionEnv::ReadFile(const std::string& path) {
  return base_->ReadFile(path);
}

Status FaultInjectionEnv::RenameFile(const std::string& from, const std::string& to) {
  EDGEPIX_RETURN_IF_ERROR(MaybeFail(FaultOp::kRename, "rename " + from));
  return base_->RenameFile(from, to);
}

Status FaultInjectionEnv::SyncDir(const std::string& dir) {
  EDGEPIX_RETURN_IF_ERROR(MaybeFail(FaultOp::kSyncDir, "fsync dir " + dir));
  return base_->SyncDir(dir);
}

Status FaultInjectionEnv::SyncFile(const std::string& path) {
  EDGEPIX_RETURN_IF_ERROR(MaybeFail(FaultOp::kSync, "fsync " + path));
  return base_->SyncFile(path);
}

Status FaultInjectionEnv::RemoveFile(const std::string& path) {
  EDGEPIX_RETURN_IF_ERROR(MaybeFail(FaultOp::kRemove, "unlink " + path));
  return base_->RemoveFile(path);
}

Status FaultInjectionEnv::RemoveDirRecursive(const std::string& dir) {
  EDGEPIX_RETURN_IF_ERROR(MaybeFail(FaultOp::kRemove, "remove_all " + dir));
  return base_->RemoveDirRecursive(dir);
}

Status FaultInjectionEnv::CreateDirs(const std::string& dir) { return base_->CreateDirs(dir); }

bool FaultInjectionEnv::FileExists(const std::string& path) { return base_->FileExists(path); }

Result<uint64_t> FaultInjectionEnv::FileSize(const std::string& path) {
  return base_->FileSize(path);
}

Result<int64_t> FaultInjectionEnv::ModifiedSeconds(const std::string& path) {
  EDGEPIX_RETURN_IF_ERROR(MaybeFail(FaultOp::kStat, "stat " + path));
  return base_->ModifiedSeconds(path);
}

Result<std::vector<std::string>> FaultInjectionEnv::ListDir(const std::string& dir) {
  return base_->ListDir(dir);
}

Result<uint64_t> FaultInjectionEnv::FreeBytes(const std::string& path) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (free_bytes_) return *free_bytes_;
  }
  return base_->FreeBytes(path);
}

}  // namespace edgepix::testing
