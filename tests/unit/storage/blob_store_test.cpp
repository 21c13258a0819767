// The local-disk BlobStore on a real temp directory: its layout and its
// behaviour under injected faults. What every store promises is checked on
// each implementation in blob_contract_test.cpp.
#include "storage/blob_store.h"

#include <algorithm>
#include <catch2/catch.hpp>

#include "unit/support/fault_injection_env.h"
#include "unit/support/fixtures.h"

using edgepix::BlobStore;
using edgepix::Env;
using edgepix::ErrorCode;
using edgepix::OpenLocalBlobStore;
using edgepix::testing::FaultInjectionEnv;
using edgepix::testing::FaultKind;
using edgepix::testing::FaultOp;
using edgepix::testing::ReadFileOrDie;
using edgepix::testing::TempDir;
using edgepix::testing::WriteFileOrDie;

namespace {

const std::string kId = "Ab3dEf9h_jk-LMNO";

std::unique_ptr<BlobStore> Open(Env* env, const std::string& root) {
  auto store = OpenLocalBlobStore(env, root);
  REQUIRE(store.ok());
  return std::move(*store);
}

std::vector<std::string> List(const std::string& dir) {
  auto names = Env::Default()->ListDir(dir);
  if (!names.ok()) return {};
  std::sort(names->begin(), names->end());
  return *names;
}

void PutOriginal(BlobStore* store, const std::string& id, const std::string& data) {
  auto w = store->BeginOriginal(id);
  REQUIRE(w.ok());
  REQUIRE((*w)->Append(data.data(), data.size()).ok());
  REQUIRE((*w)->Commit().ok());
}

}  // namespace

TEST_CASE("BlobStore creates its layout", "[blob]") {
  TempDir tmp;
  auto store = Open(Env::Default(), tmp.Join("data"));
  CHECK(List(tmp.Join("data")) == std::vector<std::string>{"originals", "tmp", "variants"});
}

TEST_CASE("An original streams in and is visible only after Commit", "[blob]") {
  TempDir tmp;
  auto store = Open(Env::Default(), tmp.path());
  const std::string jpeg = edgepix::testing::MakeJpeg(64, 48);

  auto w = store->BeginOriginal(kId);
  REQUIRE(w.ok());
  // In pieces, as an upload arrives.
  for (size_t off = 0; off < jpeg.size(); off += 1000) {
    size_t n = std::min<size_t>(1000, jpeg.size() - off);
    REQUIRE((*w)->Append(jpeg.data() + off, n).ok());
  }
  CHECK((*w)->bytes_written() == jpeg.size());
  CHECK(store->ReadOriginal(kId).status().code() == ErrorCode::kNotFound);
  CHECK(List(tmp.Join("tmp")).size() == 1);

  REQUIRE((*w)->Commit().ok());
  CHECK(ReadFileOrDie(tmp.Join("originals/Ab/" + kId)) == jpeg);
  CHECK(List(tmp.Join("tmp")).empty());
  auto back = store->ReadOriginal(kId);
  REQUIRE(back.ok());
  CHECK(*back == jpeg);
  CHECK((*w)->Commit().code() == ErrorCode::kInternal);  // once only
}

TEST_CASE("A writer destroyed without Commit leaves nothing", "[blob]") {
  TempDir tmp;
  auto store = Open(Env::Default(), tmp.path());
  {
    auto w = store->BeginOriginal(kId);
    REQUIRE(w.ok());
    REQUIRE((*w)->Append("abc", 3).ok());
    CHECK(List(tmp.Join("tmp")).size() == 1);
  }
  CHECK(List(tmp.Join("tmp")).empty());
  CHECK(store->ReadOriginal(kId).status().code() == ErrorCode::kNotFound);
}

TEST_CASE("A failed commit leaves neither the original nor a temp file", "[blob][fault]") {
  TempDir tmp;
  FaultInjectionEnv env;
  auto store = Open(&env, tmp.path());
  ErrorCode expected = ErrorCode::kIoError;

  SECTION("disk full while appending") {
    env.FailNth(FaultOp::kAppend, 2, FaultKind::kDiskFull);
    expected = ErrorCode::kDiskFull;
  }
  SECTION("fsync fails") { env.FailNth(FaultOp::kSync, 1); }
  SECTION("rename fails") { env.FailNth(FaultOp::kRename, 1); }
  SECTION("fsync of the directory fails after the rename") {
    // The shard directory is new, so the first SyncDir is originals/, the second the shard.
    env.FailNth(FaultOp::kSyncDir, 2);
  }

  {
    auto w = store->BeginOriginal(kId);
    REQUIRE(w.ok());
    edgepix::Status st = (*w)->Append("first", 5);
    if (st.ok()) st = (*w)->Append("second", 6);
    if (st.ok()) st = (*w)->Commit();
    CHECK(st.code() == expected);
  }
  CHECK(store->ReadOriginal(kId).status().code() == ErrorCode::kNotFound);
  CHECK(List(tmp.Join("tmp")).empty());
  CHECK(List(tmp.Join("originals/Ab")).empty());
}

TEST_CASE("A shard's entry in originals/ is fsync'd once per process, whoever made the shard",
          "[blob][durability]") {
  // An upload finding its shard made by another (in flight, or by a process
  // that crashed after its mkdir) must not be acknowledged before the shard's
  // entry is on disk: it cannot know the other's fsync of originals/ is done.
  TempDir tmp;
  FaultInjectionEnv env;
  auto first = Open(&env, tmp.path());
  int dir_syncs = env.Calls(FaultOp::kSyncDir);
  PutOriginal(first.get(), "Ab3dEf9h_jk-LMN1", "one");
  CHECK(env.Calls(FaultOp::kSyncDir) == dir_syncs + 2);  // originals/, then the shard
  dir_syncs = env.Calls(FaultOp::kSyncDir);
  PutOriginal(first.get(), "Ab3dEf9h_jk-LMN2", "two");
  CHECK(env.Calls(FaultOp::kSyncDir) == dir_syncs + 1);  // the shard only

  // Another store over the same directory (a new process): the shard exists,
  // yet its entry is fsync'd again before the first original it takes.
  auto second = Open(&env, tmp.path());
  dir_syncs = env.Calls(FaultOp::kSyncDir);
  PutOriginal(second.get(), "Ab3dEf9h_jk-LMN3", "three");
  CHECK(env.Calls(FaultOp::kSyncDir) == dir_syncs + 2);
  dir_syncs = env.Calls(FaultOp::kSyncDir);
  PutOriginal(second.get(), "Ab3dEf9h_jk-LMN4", "four");
  CHECK(env.Calls(FaultOp::kSyncDir) == dir_syncs + 1);

  // A failed fsync of originals/ is not remembered: the next commit retries it.
  auto third = Open(&env, tmp.path());
  env.FailNth(FaultOp::kSyncDir, 1);  // the next one: originals/
  {
    auto w = third->BeginOriginal("Ab3dEf9h_jk-LMN5");
    REQUIRE(w.ok());
    REQUIRE((*w)->Append("five", 4).ok());
    CHECK((*w)->Commit().code() == ErrorCode::kIoError);
  }
  dir_syncs = env.Calls(FaultOp::kSyncDir);
  PutOriginal(third.get(), "Ab3dEf9h_jk-LMN6", "six");
  CHECK(env.Calls(FaultOp::kSyncDir) == dir_syncs + 2);
}

TEST_CASE("Variants round trip and replace atomically", "[blob]") {
  TempDir tmp;
  auto store = Open(Env::Default(), tmp.path());
  const std::string webp = edgepix::testing::MakeWebp(32, 32);
  REQUIRE(store->PutVariant(kId, "thumb", webp).ok());
  REQUIRE(store->PutVariant(kId, "large_2x", "other").ok());
  CHECK(ReadFileOrDie(tmp.Join("variants/" + kId + "/thumb.webp")) == webp);
  CHECK(*store->ReadVariant(kId, "thumb") == webp);
  CHECK(*store->ReadVariant(kId, "large_2x") == "other");

  REQUIRE(store->PutVariant(kId, "thumb", "v2").ok());
  CHECK(*store->ReadVariant(kId, "thumb") == "v2");
  CHECK(List(tmp.Join("variants/" + kId)) ==
        std::vector<std::string>{"large_2x.webp", "thumb.webp"});

  CHECK(store->ReadVariant(kId, "medium").status().code() == ErrorCode::kNotFound);
  CHECK(store->ReadVariant("unknown01", "thumb").status().code() == ErrorCode::kNotFound);
}

TEST_CASE("A failed variant write keeps the previous one", "[blob][fault]") {
  TempDir tmp;
  FaultInjectionEnv env;
  auto store = Open(&env, tmp.path());
  REQUIRE(store->PutVariant(kId, "thumb", "v1").ok());
  env.FailNth(FaultOp::kAppend, 1, FaultKind::kDiskFull);
  CHECK(store->PutVariant(kId, "thumb", "v2").code() == ErrorCode::kDiskFull);
  CHECK(*store->ReadVariant(kId, "thumb") == "v1");
  CHECK(List(tmp.Join("variants/" + kId)) == std::vector<std::string>{"thumb.webp"});
}

TEST_CASE("A deferred variant is visible at Publish and durable after MakeDurable", "[blob]") {
  TempDir tmp;
  FaultInjectionEnv env;
  auto store = Open(&env, tmp.path());
  const int syncs = env.Calls(FaultOp::kSync), dir_syncs = env.Calls(FaultOp::kSyncDir);

  auto staged = store->StageVariant(kId, "thumb", "t1", edgepix::VariantDurability::kDeferred);
  REQUIRE(staged.ok());
  CHECK(store->ReadVariant(kId, "thumb").status().code() == ErrorCode::kNotFound);
  REQUIRE((*staged)->Publish().ok());
  CHECK(*store->ReadVariant(kId, "thumb") == "t1");
  // Nothing fsync'd on the way to visible.
  CHECK(env.Calls(FaultOp::kSync) == syncs);
  CHECK(env.Calls(FaultOp::kSyncDir) == dir_syncs);

  REQUIRE((*staged)->MakeDurable().ok());
  CHECK(env.Calls(FaultOp::kSync) == syncs + 1);
  // The new variants/<id>/ in variants/, and the name in variants/<id>/.
  CHECK(env.Calls(FaultOp::kSyncDir) == dir_syncs + 2);

  // A second variant in the existing directory: its file and that directory.
  auto second = store->StageVariant(kId, "medium", "m1", edgepix::VariantDurability::kDeferred);
  REQUIRE(second.ok());
  REQUIRE((*second)->Publish().ok());
  REQUIRE((*second)->MakeDurable().ok());
  CHECK(env.Calls(FaultOp::kSync) == syncs + 2);
  CHECK(env.Calls(FaultOp::kSyncDir) == dir_syncs + 3);

  // kAtPublish: fsync'd when staged, the rename durable at Publish.
  auto now = store->StageVariant(kId, "large", "l1", edgepix::VariantDurability::kAtPublish);
  REQUIRE(now.ok());
  CHECK(env.Calls(FaultOp::kSync) == syncs + 3);
  REQUIRE((*now)->Publish().ok());
  CHECK(env.Calls(FaultOp::kSyncDir) == dir_syncs + 4);
  REQUIRE((*now)->MakeDurable().ok());
  CHECK(env.Calls(FaultOp::kSync) == syncs + 3);
}

TEST_CASE("MakeDurable reports a failed fsync and a variant deleted meanwhile", "[blob][fault]") {
  TempDir tmp;
  FaultInjectionEnv env;
  auto store = Open(&env, tmp.path());
  auto staged = store->StageVariant(kId, "thumb", "t1", edgepix::VariantDurability::kDeferred);
  REQUIRE(staged.ok());
  REQUIRE((*staged)->Publish().ok());
  env.FailNth(FaultOp::kSync, 1);
  CHECK((*staged)->MakeDurable().code() == ErrorCode::kIoError);

  REQUIRE(store->DeleteVariants(kId).ok());
  CHECK((*staged)->MakeDurable().code() == ErrorCode::kNotFound);
}

TEST_CASE("RemoveStaleTempFiles clears what a crash left behind", "[blob]") {
  TempDir tmp;
  auto store = Open(Env::Default(), tmp.path());
  PutOriginal(store.get(), kId, "kept");
  REQUIRE(store->PutVariant(kId, "thumb", "kept").ok());
  WriteFileOrDie(tmp.Join("tmp/" + kId + ".0123456789ab.part"), "half an upload");
  WriteFileOrDie(tmp.Join("tmp/other.part"), "x");
  REQUIRE(Env::Default()->CreateDirs(tmp.Join("tmp/strange_dir")).ok());
  WriteFileOrDie(tmp.Join("variants/" + kId + "/medium.webp.tmp-abcdef012345"), "half");

  REQUIRE(store->RemoveStaleTempFiles().ok());
  CHECK(List(tmp.Join("tmp")).empty());
  CHECK(List(tmp.Join("variants/" + kId)) == std::vector<std::string>{"thumb.webp"});
  CHECK(*store->ReadOriginal(kId) == "kept");
  CHECK(*store->ReadVariant(kId, "thumb") == "kept");
  CHECK(store->RemoveStaleTempFiles().ok());  // idempotent
}

TEST_CASE("DeleteImage removes the original and every variant", "[blob]") {
  TempDir tmp;
  auto store = Open(Env::Default(), tmp.path());
  const std::string other = "AbOtherImage1";
  PutOriginal(store.get(), kId, "original");
  PutOriginal(store.get(), other, "other");
  REQUIRE(store->PutVariant(kId, "thumb", "t").ok());
  REQUIRE(store->PutVariant(kId, "medium", "m").ok());

  REQUIRE(store->DeleteImage(kId).ok());
  CHECK(store->ReadOriginal(kId).status().code() == ErrorCode::kNotFound);
  CHECK(store->ReadVariant(kId, "thumb").status().code() == ErrorCode::kNotFound);
  CHECK_FALSE(Env::Default()->FileExists(tmp.Join("variants/" + kId)));
  CHECK(List(tmp.Join("originals/Ab")) == std::vector<std::string>{other});
  CHECK(*store->ReadOriginal(other) == "other");
  // Missing is not an error.
  CHECK(store->DeleteImage(kId).ok());
  CHECK(store->DeleteImage("NeverStored1").ok());
}

TEST_CASE("BlobStore reports free bytes through its Env", "[blob][fault]") {
  TempDir tmp;
  FaultInjectionEnv env;
  auto store = Open(&env, tmp.path());
  auto real = store->FreeBytes();
  REQUIRE(real.ok());
  CHECK(*real > 0);
  env.SetFreeBytes(4096);
  CHECK(*store->FreeBytes() == 4096u);
}
