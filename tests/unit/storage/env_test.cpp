// The POSIX Env and WriteFileAtomic, on the real filesystem, with faults
// injected through FaultInjectionEnv.
#include "storage/env.h"

#include <algorithm>
#include <catch2/catch.hpp>

#include "unit/support/fault_injection_env.h"
#include "unit/support/fixtures.h"
#include "unit/support/skip.h"

using edgepix::Env;
using edgepix::ErrorCode;
using edgepix::WriteFileAtomic;
using edgepix::testing::FaultInjectionEnv;
using edgepix::testing::FaultKind;
using edgepix::testing::FaultOp;
using edgepix::testing::ReadFileOrDie;
using edgepix::testing::TempDir;
using edgepix::testing::WriteFileOrDie;

namespace {

// Entries of `dir` other than `keep`.
std::vector<std::string> Leftovers(const std::string& dir, const std::string& keep) {
  auto names = Env::Default()->ListDir(dir);
  REQUIRE(names.ok());
  std::vector<std::string> out;
  for (const auto& n : *names) {
    if (n != keep) out.push_back(n);
  }
  return out;
}

}  // namespace

TEST_CASE("PosixEnv writes, reads, lists and removes files", "[env]") {
  TempDir tmp;
  Env* env = Env::Default();
  const std::string path = tmp.Join("a.bin");
  std::string data(100000, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 7);

  auto file = env->NewWritableFile(path);
  REQUIRE(file.ok());
  REQUIRE((*file)->Append(data.data(), data.size()).ok());
  REQUIRE((*file)->Sync().ok());
  REQUIRE((*file)->Close().ok());

  auto read = env->ReadFile(path);
  REQUIRE(read.ok());
  CHECK(*read == data);
  auto size = env->FileSize(path);
  REQUIRE(size.ok());
  CHECK(*size == data.size());
  CHECK(env->FileExists(path));

  REQUIRE(env->CreateDirs(tmp.Join("x/y/z")).ok());
  auto names = env->ListDir(tmp.path());
  REQUIRE(names.ok());
  std::sort(names->begin(), names->end());
  CHECK(*names == std::vector<std::string>{"a.bin", "x"});

  REQUIRE(env->RemoveDirRecursive(tmp.Join("x")).ok());
  CHECK_FALSE(env->FileExists(tmp.Join("x")));
  REQUIRE(env->RemoveFile(path).ok());
  CHECK_FALSE(env->FileExists(path));
  // Missing is not an error for either removal.
  CHECK(env->RemoveFile(path).ok());
  CHECK(env->RemoveDirRecursive(tmp.Join("x")).ok());
}

TEST_CASE("PosixEnv maps errno to codes", "[env]") {
  TempDir tmp;
  Env* env = Env::Default();

  auto missing = env->ReadFile(tmp.Join("nope"));
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == ErrorCode::kNotFound);
  CHECK(env->FileSize(tmp.Join("nope")).status().code() == ErrorCode::kNotFound);
  CHECK(env->ListDir(tmp.Join("nope")).status().code() == ErrorCode::kNotFound);

  auto in_missing_dir = env->NewWritableFile(tmp.Join("no/such/dir/f"));
  REQUIRE_FALSE(in_missing_dir.ok());
  CHECK(in_missing_dir.status().code() == ErrorCode::kIoError);
  CHECK(in_missing_dir.status().message().find("No such file or directory") != std::string::npos);

  CHECK(env->RenameFile(tmp.Join("nope"), tmp.Join("nope2")).code() == ErrorCode::kIoError);
  CHECK(env->SyncDir(tmp.Join("nope")).code() == ErrorCode::kIoError);
}

TEST_CASE("PosixEnv maps ENOSPC (/dev/full) to kDiskFull", "[env]") {
  Env* env = Env::Default();
  // /dev/full fails every write with ENOSPC: the real disk-full path.
  if (!env->FileExists("/dev/full")) EDGEPIX_SKIP("no /dev/full here");
  // Small appends are buffered: the failure surfaces at Sync at the latest.
  auto full = env->NewWritableFile("/dev/full");
  REQUIRE(full.ok());
  const char byte = 'x';
  REQUIRE((*full)->Append(&byte, 1).ok());
  auto st = (*full)->Sync();
  CHECK(st.code() == ErrorCode::kDiskFull);
  CHECK(st.message().find("No space left on device") != std::string::npos);
  // An append larger than the buffer is written at once and fails at once.
  auto full2 = env->NewWritableFile("/dev/full");
  REQUIRE(full2.ok());
  const std::string big(1 << 20, 'x');
  auto st2 = (*full2)->Append(big.data(), big.size());
  CHECK(st2.code() == ErrorCode::kDiskFull);
}

TEST_CASE("PosixEnv reports free bytes of the volume", "[env]") {
  TempDir tmp;
  auto free_bytes = Env::Default()->FreeBytes(tmp.path());
  REQUIRE(free_bytes.ok());
  CHECK(*free_bytes > 0);
  CHECK(Env::Default()->FreeBytes(tmp.Join("nope")).status().code() == ErrorCode::kIoError);
}

TEST_CASE("WriteFileAtomic replaces the content and leaves no temp file", "[env][atomic]") {
  TempDir tmp;
  const std::string path = tmp.Join("f.txt");
  REQUIRE(WriteFileAtomic(Env::Default(), path, "first").ok());
  CHECK(ReadFileOrDie(path) == "first");
  REQUIRE(WriteFileAtomic(Env::Default(), path, "second, longer").ok());
  CHECK(ReadFileOrDie(path) == "second, longer");
  CHECK(Leftovers(tmp.path(), "f.txt").empty());
}

TEST_CASE("WriteFileAtomic keeps the old content when a step fails", "[env][atomic]") {
  TempDir tmp;
  const std::string path = tmp.Join("f.txt");
  WriteFileOrDie(path, "old");
  FaultInjectionEnv env;

  SECTION("fsync of the file fails") {
    env.FailNth(FaultOp::kSync, 1);
    auto st = WriteFileAtomic(&env, path, "new");
    CHECK(st.code() == ErrorCode::kIoError);
  }
  SECTION("rename fails") {
    env.FailNth(FaultOp::kRename, 1);
    auto st = WriteFileAtomic(&env, path, "new");
    CHECK(st.code() == ErrorCode::kIoError);
  }
  SECTION("the disk is full on append") {
    env.FailNth(FaultOp::kAppend, 1, FaultKind::kDiskFull);
    auto st = WriteFileAtomic(&env, path, "new");
    CHECK(st.code() == ErrorCode::kDiskFull);
  }
  SECTION("close fails") {
    env.FailNth(FaultOp::kClose, 1);
    auto st = WriteFileAtomic(&env, path, "new");
    CHECK(st.code() == ErrorCode::kIoError);
  }
  CHECK(ReadFileOrDie(path) == "old");
  CHECK(Leftovers(tmp.path(), "f.txt").empty());
}

TEST_CASE("WriteFileAtomic on a full disk leaves no file at all", "[env][atomic]") {
  TempDir tmp;
  FaultInjectionEnv env;
  env.FailNth(FaultOp::kAppend, 1, FaultKind::kDiskFull);
  auto st = WriteFileAtomic(&env, tmp.Join("new.txt"), "data");
  CHECK(st.code() == ErrorCode::kDiskFull);
  CHECK(Leftovers(tmp.path(), "").empty());
}

TEST_CASE("WriteFileAtomic reports a failed directory fsync", "[env][atomic]") {
  TempDir tmp;
  FaultInjectionEnv env;
  env.FailNth(FaultOp::kSyncDir, 1);
  auto st = WriteFileAtomic(&env, tmp.Join("f.txt"), "data");
  CHECK(st.code() == ErrorCode::kIoError);
  // The rename happened (it cannot be undone), but no temp file is left.
  CHECK(Leftovers(tmp.path(), "f.txt").empty());
  CHECK(env.Calls(FaultOp::kSyncDir) == 1);
}

TEST_CASE("FaultInjectionEnv fails exactly the planned calls", "[env][fault]") {
  TempDir tmp;
  FaultInjectionEnv env;
  env.FailNth(FaultOp::kRename, 2);
  WriteFileOrDie(tmp.Join("a"), "a");
  CHECK(env.RenameFile(tmp.Join("a"), tmp.Join("b")).ok());
  CHECK_FALSE(env.RenameFile(tmp.Join("b"), tmp.Join("c")).ok());
  CHECK(env.FileExists(tmp.Join("b")));  // a failed call does nothing
  CHECK(env.RenameFile(tmp.Join("b"), tmp.Join("c")).ok());
  CHECK(env.Calls(FaultOp::kRename) == 3);

  env.FailFrom(FaultOp::kSyncDir, 1, FaultKind::kDiskFull);
  CHECK(env.SyncDir(tmp.path()).code() == ErrorCode::kDiskFull);
  CHECK(env.SyncDir(tmp.path()).code() == ErrorCode::kDiskFull);
  env.SetFreeBytes(1234);
  CHECK(*env.FreeBytes(tmp.path()) == 1234u);
  env.ClearFaults();
  CHECK(env.SyncDir(tmp.path()).ok());
  CHECK(*env.FreeBytes(tmp.path()) != 1234u);
}
