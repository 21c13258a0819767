// BlobStore::CheckWritable: readiness of the local blob store, through a real
// Env that can be told to fail.
#include <algorithm>
#include <catch2/catch.hpp>

#include "storage/blob_store.h"
#include "unit/support/fault_injection_env.h"
#include "unit/support/fixtures.h"

using edgepix::Env;
using edgepix::ErrorCode;
using edgepix::OpenLocalBlobStore;
using edgepix::testing::FaultInjectionEnv;
using edgepix::testing::FaultKind;
using edgepix::testing::FaultOp;
using edgepix::testing::TempDir;

namespace {

std::vector<std::string> List(const std::string& dir) {
  auto names = Env::Default()->ListDir(dir);
  REQUIRE(names.ok());
  std::sort(names->begin(), names->end());
  return *names;
}

}  // namespace

TEST_CASE("BlobStore::CheckWritable: writes, syncs and removes a probe", "[blob][ready]") {
  TempDir tmp;
  FaultInjectionEnv env;
  auto store = OpenLocalBlobStore(&env, tmp.path());
  REQUIRE(store.ok());
  CHECK((*store)->CheckWritable().ok());
  CHECK(env.Calls(FaultOp::kSync) == 1);
  CHECK(env.Calls(FaultOp::kRemove) == 1);
  CHECK(List(tmp.Join("tmp")).empty());
}

TEST_CASE("BlobStore::CheckWritable: a failed step is reported and leaves nothing",
          "[blob][ready][fault]") {
  TempDir tmp;
  FaultInjectionEnv env;
  auto store = OpenLocalBlobStore(&env, tmp.path());
  REQUIRE(store.ok());
  SECTION("the file cannot be created (full disk)") {
    env.FailNth(FaultOp::kCreate, 1, FaultKind::kDiskFull);
    CHECK((*store)->CheckWritable().code() == ErrorCode::kDiskFull);
  }
  SECTION("fsync fails") {
    env.FailNth(FaultOp::kSync, 1);
    CHECK((*store)->CheckWritable().code() == ErrorCode::kIoError);
  }
  SECTION("a write fails") {
    env.FailNth(FaultOp::kAppend, 1);
    CHECK((*store)->CheckWritable().code() == ErrorCode::kIoError);
  }
  CHECK(List(tmp.Join("tmp")).empty());
  CHECK((*store)->CheckWritable().ok());  // only the planned call failed
}
