// WriteFileAtomic: temp file in the same directory, fsync, rename, fsync dir.
#include "storage/env.h"
#include "storage/posix_error.h"

namespace edgepix {
namespace {

std::string DirName(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

Status WriteAndSync(Env* env, const std::string& tmp, const std::string& data) {
  EDGEPIX_ASSIGN_OR_RETURN(auto file, env->NewWritableFile(tmp));
  EDGEPIX_RETURN_IF_ERROR(file->Append(data.data(), data.size()));
  EDGEPIX_RETURN_IF_ERROR(file->Sync());
  return file->Close();
}

}  // namespace

Status WriteFileAtomic(Env* env, const std::string& path, const std::string& data) {
  const std::string tmp = path + ".tmp-" + RandomSuffix();
  Status st = WriteAndSync(env, tmp, data);
  if (st.ok()) st = env->RenameFile(tmp, path);
  if (!st.ok()) {
    env->RemoveFile(tmp).IgnoreError();  // the original error is what matters
    return st;
  }
  return env->SyncDir(DirName(path));
}

}  // namespace edgepix
