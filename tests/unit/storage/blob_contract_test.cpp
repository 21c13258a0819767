// BlobStore's contract (storage/blob_store.h), one suite run on every
// implementation: the local disk store and the S3 store against a real Ceph
// RGW (each TEMPLATE_TEST_CASE is one ctest entry per store; the S3 ones are
// SKIPPED without Debian's ceph packages). Layout and fault-injection tests of
// the local store stay in blob_store_test.cpp.
#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "storage/blob_store.h"
#include "unit/storage/store_fixtures.h"
#include "unit/support/fixtures.h"
#include "unit/support/skip.h"

using edgepix::BlobStore;
using edgepix::ErrorCode;
using edgepix::VariantDurability;
using edgepix::testing::LocalStore;
using edgepix::testing::S3Store;
using Names = std::vector<std::string>;

namespace {

const std::string kId = "Ab3dEf9h_jk-LMNO";

void PutOriginal(BlobStore* store, const std::string& id, const std::string& data) {
  auto w = store->BeginOriginal(id);
  REQUIRE(w.ok());
  REQUIRE((*w)->Append(data.data(), data.size()).ok());
  REQUIRE((*w)->Commit().ok());
}

std::string Pattern(size_t n, int seed) {
  std::string data(n, '\0');
  for (size_t i = 0; i < n; ++i) data[i] = static_cast<char>((i * 7 + seed) % 251);
  return data;
}

}  // namespace

TEMPLATE_TEST_CASE("BlobStore contract: an original streams in and is visible only after Commit",
                   "[blob][contract]", LocalStore, S3Store) {
  EDGEPIX_STORE_FIXTURE(f);
  BlobStore* store = f->store();
  const std::string jpeg = edgepix::testing::MakeJpeg(64, 48);
  auto w = store->BeginOriginal(kId);
  REQUIRE(w.ok());
  for (size_t off = 0; off < jpeg.size(); off += 1000) {
    size_t n = std::min<size_t>(1000, jpeg.size() - off);
    REQUIRE((*w)->Append(jpeg.data() + off, n).ok());
  }
  CHECK((*w)->bytes_written() == jpeg.size());
  CHECK(store->ReadOriginal(kId).status().code() == ErrorCode::kNotFound);
  CHECK(store->OpenOriginal(kId).status().code() == ErrorCode::kNotFound);

  REQUIRE((*w)->Commit().ok());
  CHECK(f->Names() == Names{f->OriginalName(kId)});
  auto back = store->ReadOriginal(kId);
  REQUIRE(back.ok());
  CHECK(*back == jpeg);
  CHECK((*w)->Commit().code() == ErrorCode::kInternal);  // once only
}

TEMPLATE_TEST_CASE("BlobStore contract: a writer destroyed without Commit leaves nothing",
                   "[blob][contract]", LocalStore, S3Store) {
  EDGEPIX_STORE_FIXTURE(f);
  SECTION("a small original") {
    auto w = f->store()->BeginOriginal(kId);
    REQUIRE(w.ok());
    REQUIRE((*w)->Append("abc", 3).ok());
  }
  SECTION("an original past the multipart threshold (S3: parts already sent)") {
    auto w = f->store()->BeginOriginal(kId);
    REQUIRE(w.ok());
    const std::string big = Pattern(11u << 20, 1);
    REQUIRE((*w)->Append(big.data(), big.size()).ok());
  }
  CHECK(f->Names().empty());
  CHECK(f->store()->ReadOriginal(kId).status().code() == ErrorCode::kNotFound);
}

TEMPLATE_TEST_CASE("BlobStore contract: a large original round trips (S3: multipart upload)",
                   "[blob][contract]", LocalStore, S3Store) {
  EDGEPIX_STORE_FIXTURE(f);
  // Three parts of 5 MiB and a short last one, appended in uneven pieces.
  const std::string data = Pattern((15u << 20) + 12345, 3);
  auto w = f->store()->BeginOriginal(kId);
  REQUIRE(w.ok());
  for (size_t off = 0; off < data.size(); off += 1000003) {
    size_t n = std::min<size_t>(1000003, data.size() - off);
    REQUIRE((*w)->Append(data.data() + off, n).ok());
  }
  REQUIRE((*w)->Commit().ok());
  CHECK(f->Names() == Names{f->OriginalName(kId)});
  auto r = f->store()->OpenOriginal(kId);
  REQUIRE(r.ok());
  CHECK((*r)->size() == data.size());
  std::string out;
  REQUIRE((*r)->ReadAt((5u << 20) - 10, 20, &out).ok());  // across a part boundary
  CHECK(out == data.substr((5u << 20) - 10, 20));
  auto whole = f->store()->ReadOriginal(kId);
  REQUIRE(whole.ok());
  CHECK(*whole == data);
}

TEMPLATE_TEST_CASE("BlobStore contract: OpenOriginal reads ranges", "[blob][contract]", LocalStore,
                   S3Store) {
  EDGEPIX_STORE_FIXTURE(f);
  BlobStore* store = f->store();
  const std::string data = Pattern(70000, 0);
  PutOriginal(store, kId, data);

  auto r = store->OpenOriginal(kId);
  REQUIRE(r.ok());
  CHECK((*r)->size() == data.size());
  std::string out = "junk";
  REQUIRE((*r)->ReadAt(0, 10, &out).ok());
  CHECK(out == data.substr(0, 10));
  REQUIRE((*r)->ReadAt(65536, 100, &out).ok());
  CHECK(out == data.substr(65536, 100));
  REQUIRE((*r)->ReadAt(data.size() - 5, 100, &out).ok());  // short at the end
  CHECK(out == data.substr(data.size() - 5));
  REQUIRE((*r)->ReadAt(data.size() + 1, 10, &out).ok());
  CHECK(out.empty());
  REQUIRE((*r)->ReadAt(0, data.size() * 2, &out).ok());
  CHECK(out == data);

  CHECK(store->OpenOriginal("missing0001").status().code() == ErrorCode::kNotFound);
}

TEMPLATE_TEST_CASE("BlobStore contract: variants round trip and replace atomically",
                   "[blob][contract]", LocalStore, S3Store) {
  EDGEPIX_STORE_FIXTURE(f);
  BlobStore* store = f->store();
  const std::string webp = edgepix::testing::MakeWebp(32, 32);
  REQUIRE(store->PutVariant(kId, "thumb", webp).ok());
  REQUIRE(store->PutVariant(kId, "large_2x", "other").ok());
  CHECK(*store->ReadVariant(kId, "thumb") == webp);
  CHECK(*store->ReadVariant(kId, "large_2x") == "other");

  REQUIRE(store->PutVariant(kId, "thumb", "v2").ok());
  CHECK(*store->ReadVariant(kId, "thumb") == "v2");
  CHECK(f->Names() == Names{f->VariantName(kId, "large_2x"), f->VariantName(kId, "thumb")});

  CHECK(store->ReadVariant(kId, "medium").status().code() == ErrorCode::kNotFound);
  CHECK(store->ReadVariant("unknown01", "thumb").status().code() == ErrorCode::kNotFound);
}

TEMPLATE_TEST_CASE("BlobStore contract: a staged variant appears only at Publish, leaving no temp",
                   "[blob][contract]", LocalStore, S3Store) {
  EDGEPIX_STORE_FIXTURE(f);
  BlobStore* store = f->store();
  REQUIRE(store->PutVariant(kId, "thumb", "v1").ok());
  {
    auto staged = store->StageVariant(kId, "thumb", "v2", VariantDurability::kDeferred);
    REQUIRE(staged.ok());
    CHECK(*store->ReadVariant(kId, "thumb") == "v1");
    REQUIRE((*staged)->Publish().ok());
    CHECK(*store->ReadVariant(kId, "thumb") == "v2");
    REQUIRE((*staged)->MakeDurable().ok());
    CHECK(*store->ReadVariant(kId, "thumb") == "v2");
  }
  {
    auto unpublished = store->StageVariant(kId, "medium", "never", VariantDurability::kAtPublish);
    REQUIRE(unpublished.ok());
  }
  CHECK(store->ReadVariant(kId, "medium").status().code() == ErrorCode::kNotFound);
  CHECK(f->Names() == Names{f->VariantName(kId, "thumb")});
}

TEMPLATE_TEST_CASE("BlobStore contract: ids and variant names that could become paths are refused",
                   "[blob][contract][security]", LocalStore, S3Store) {
  EDGEPIX_STORE_FIXTURE(f);
  BlobStore* store = f->store();
  const std::vector<std::string> bad_ids = {
      "",
      "../etc",
      "../../secret",
      "..%2f..%2fsecret",
      "a/b",
      "abcdefgh/../../secret",
      "%2e%2e%2e%2e",
      "short",
      std::string(65, 'a'),
      std::string("abcd\0efgh", 9),
      "abcdefgh.webp",
      "abc defgh",
      "abcdéfgh",
  };
  for (const std::string& id : bad_ids) {
    INFO("id: " << id);
    CHECK(store->BeginOriginal(id).status().code() == ErrorCode::kBadRequest);
    CHECK(store->ReadOriginal(id).status().code() == ErrorCode::kBadRequest);
    CHECK(store->OpenOriginal(id).status().code() == ErrorCode::kBadRequest);
    CHECK(store->PutVariant(id, "thumb", "x").code() == ErrorCode::kBadRequest);
    CHECK(store->StageVariant(id, "thumb", "x", VariantDurability::kAtPublish).status().code() ==
          ErrorCode::kBadRequest);
    CHECK(store->ReadVariant(id, "thumb").status().code() == ErrorCode::kBadRequest);
    CHECK(store->DeleteImage(id).code() == ErrorCode::kBadRequest);
    CHECK(store->DeleteVariants(id).code() == ErrorCode::kBadRequest);
  }
  const std::vector<std::string> bad_names = {"",
                                              "..",
                                              "../x",
                                              "a/b",
                                              "Thumb",
                                              "thumb.webp",
                                              std::string(33, 'a'),
                                              std::string("th\0umb", 6)};
  for (const std::string& name : bad_names) {
    INFO("name: " << name);
    CHECK(store->PutVariant(kId, name, "x").code() == ErrorCode::kBadRequest);
    CHECK(store->ReadVariant(kId, name).status().code() == ErrorCode::kBadRequest);
  }
  CHECK(f->Names().empty());
  // The longest and shortest legal ones work.
  CHECK(store->PutVariant(std::string(64, 'Z'), std::string(32, 'z'), "x").ok());
  PutOriginal(store, "12345678", "x");
  CHECK(f->Names() == Names{f->OriginalName("12345678"),
                            f->VariantName(std::string(64, 'Z'), std::string(32, 'z'))});
}

TEMPLATE_TEST_CASE("BlobStore contract: RemoveStaleTempFiles clears what a crash left behind",
                   "[blob][contract]", LocalStore, S3Store) {
  EDGEPIX_STORE_FIXTURE(f);
  BlobStore* store = f->store();
  PutOriginal(store, kId, "kept");
  REQUIRE(store->PutVariant(kId, "thumb", "kept").ok());
  f->PlantCrashDebris(kId);
  CHECK_FALSE(f->TempNames().empty());

  REQUIRE(store->RemoveStaleTempFiles().ok());
  CHECK(f->Names() == Names{f->OriginalName(kId), f->VariantName(kId, "thumb")});
  CHECK(*store->ReadOriginal(kId) == "kept");
  CHECK(*store->ReadVariant(kId, "thumb") == "kept");
  CHECK(store->RemoveStaleTempFiles().ok());  // idempotent
}

TEMPLATE_TEST_CASE("BlobStore contract: DeleteImage removes the original and every variant",
                   "[blob][contract]", LocalStore, S3Store) {
  EDGEPIX_STORE_FIXTURE(f);
  BlobStore* store = f->store();
  const std::string other = "AbOtherImage1";
  PutOriginal(store, kId, "original");
  PutOriginal(store, other, "other");
  REQUIRE(store->PutVariant(kId, "thumb", "t").ok());
  REQUIRE(store->PutVariant(kId, "medium", "m").ok());
  REQUIRE(store->PutVariant(other, "thumb", "o").ok());

  SECTION("DeleteVariants keeps the original") {
    REQUIRE(store->DeleteVariants(kId).ok());
    CHECK(*store->ReadOriginal(kId) == "original");
    CHECK(store->ReadVariant(kId, "thumb").status().code() == ErrorCode::kNotFound);
  }
  SECTION("DeleteImage") {
    REQUIRE(store->DeleteImage(kId).ok());
    CHECK(store->ReadOriginal(kId).status().code() == ErrorCode::kNotFound);
    CHECK(store->ReadVariant(kId, "thumb").status().code() == ErrorCode::kNotFound);
    CHECK(f->Names() == Names{f->OriginalName(other), f->VariantName(other, "thumb")});
    CHECK(*store->ReadOriginal(other) == "other");
    // Missing is not an error.
    CHECK(store->DeleteImage(kId).ok());
    CHECK(store->DeleteImage("NeverStored1").ok());
  }
}

TEMPLATE_TEST_CASE("BlobStore contract: ListImageIds names images with an original or a variant",
                   "[blob][contract]", LocalStore, S3Store) {
  EDGEPIX_STORE_FIXTURE(f);
  BlobStore* store = f->store();
  CHECK(store->ListImageIds()->empty());
  PutOriginal(store, "AAAAoriginal", "o");
  REQUIRE(store->PutVariant("BBBBvariant", "thumb", "v").ok());
  PutOriginal(store, "CCCCboth", "o");
  REQUIRE(store->PutVariant("CCCCboth", "thumb", "v").ok());
  auto ids = store->ListImageIds();
  REQUIRE(ids.ok());
  CHECK(*ids == Names{"AAAAoriginal", "BBBBvariant", "CCCCboth"});
  // ListImages: the same ids, each with its newest object's time (the
  // bucket's LastModified, the disk's mtime), which the orphan sweep's grace
  // is measured against: within a minute of now here.
  auto images = store->ListImages();
  REQUIRE(images.ok());
  REQUIRE(images->size() == 3);
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  for (size_t i = 0; i < images->size(); ++i) {
    CHECK((*images)[i].id == (*ids)[i]);
    CHECK((*images)[i].newest > now - 60);
    CHECK((*images)[i].newest < now + 60);
  }
}

TEMPLATE_TEST_CASE("BlobStore contract: CheckWritable succeeds and leaves nothing",
                   "[blob][contract][ready]", LocalStore, S3Store) {
  EDGEPIX_STORE_FIXTURE(f);
  CHECK(f->store()->CheckWritable().ok());
  CHECK(f->store()->CheckWritable().ok());
  CHECK(f->Names().empty());
  auto free_bytes = f->store()->FreeBytes();
  REQUIRE(free_bytes.ok());
  CHECK(*free_bytes > 0);
}

TEMPLATE_TEST_CASE("BlobStore contract: concurrent writers and readers from several threads",
                   "[blob][contract]", LocalStore, S3Store) {
  EDGEPIX_STORE_FIXTURE(f);
  BlobStore* store = f->store();
  constexpr int kThreads = 4, kEach = 5;
  std::vector<std::thread> threads;
  std::vector<int> failures(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        const std::string id = "concurrent" + std::to_string(t) + "x" + std::to_string(i);
        const std::string data = Pattern(3000 + t * 100 + i, t * 10 + i);
        auto w = store->BeginOriginal(id);
        if (!w.ok() || !(*w)->Append(data.data(), data.size()).ok() || !(*w)->Commit().ok()) {
          ++failures[t];
          continue;
        }
        if (!store->PutVariant(id, "thumb", data.substr(0, 100)).ok()) ++failures[t];
        auto back = store->ReadOriginal(id);
        if (!back.ok() || *back != data) ++failures[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(failures == std::vector<int>(kThreads, 0));
  CHECK(store->ListImageIds()->size() == kThreads * kEach);
}
