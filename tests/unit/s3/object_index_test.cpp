// ObjectIndex on a real SQLite file: buckets, replace-returns-previous, and
// ListObjectsV2's walk (prefix, delimiter, common prefixes, pagination from
// the last key or prefix returned) in S3's bytewise key order; the change
// hook's rows commit and roll back with the object's.
#include "s3/object_index.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>

#include "unit/support/fixtures.h"

using namespace edgepix;
using namespace edgepix::s3;

namespace {

ObjectRow Row(const std::string& key, const std::string& blob = "b") {
  ObjectRow r;
  r.bucket = "photos";
  r.key = key;
  r.blob_id = blob;
  r.size = key.size();
  r.etag = "\"e\"";
  r.last_modified = "2026-12-04T00:00:00.000Z";
  return r;
}

std::vector<std::string> Keys(const ListPage& page) {
  std::vector<std::string> out;
  for (const auto& o : page.objects) out.push_back(o.key);
  return out;
}

}  // namespace

TEST_CASE("ObjectIndex: buckets are created once and deleted only when empty") {
  testing::TempDir dir;
  auto index = ObjectIndex::Open(dir.Join("jobs.db"));
  REQUIRE(index.ok());
  ObjectIndex& ix = **index;
  REQUIRE(ix.CreateBucket("photos").ok());
  CHECK(ix.CreateBucket("photos").code() == ErrorCode::kConflict);
  CHECK(*ix.BucketExists("photos"));
  CHECK_FALSE(*ix.BucketExists("other"));
  REQUIRE(ix.Put(Row("a")).ok());
  CHECK(ix.DeleteBucket("photos").code() == ErrorCode::kConflict);
  CHECK(ix.DeleteBucket("other").code() == ErrorCode::kNotFound);
  REQUIRE(ix.Delete("photos", "a").ok());
  CHECK(ix.DeleteBucket("photos").ok());
  CHECK(ix.ListBuckets()->empty());
}

TEST_CASE("ObjectIndex: Put replaces and hands back the previous row, keys are opaque text") {
  testing::TempDir dir;
  auto ix = std::move(ObjectIndex::Open(dir.Join("jobs.db")).value());
  REQUIRE(ix->CreateBucket("photos").ok());
  auto first = ix->Put(Row("../../etc/passwd", "one"));
  REQUIRE(first.ok());
  CHECK_FALSE(first->has_value());
  auto second = ix->Put(Row("../../etc/passwd", "two"));
  REQUIRE(second.ok());
  REQUIRE(second->has_value());
  CHECK((*second)->blob_id == "one");
  CHECK((*ix->Get("photos", "../../etc/passwd"))->blob_id == "two");
  auto removed = ix->Delete("photos", "../../etc/passwd");
  CHECK((*removed)->blob_id == "two");
  CHECK_FALSE(ix->Get("photos", "../../etc/passwd")->has_value());
  CHECK_FALSE(ix->Delete("photos", "../../etc/passwd")->has_value());
}

TEST_CASE("ObjectIndex: listing by prefix and delimiter, page by page") {
  testing::TempDir dir;
  auto ix = std::move(ObjectIndex::Open(dir.Join("jobs.db")).value());
  REQUIRE(ix->CreateBucket("photos").ok());
  for (const char* k :
       {"a/1", "a/2", "a/b/1", "a/b/2", "a/c/1", "a/d", "b/1", "a\xc3\xa9", "a/0"}) {
    REQUIRE(ix->Put(Row(k)).ok());
  }
  ListRequest all;
  auto page = ix->List("photos", all);
  REQUIRE(page.ok());
  // Bytewise order: '/' (0x2f) sorts before 0xc3.
  CHECK(Keys(*page) == std::vector<std::string>{"a/0", "a/1", "a/2", "a/b/1", "a/b/2", "a/c/1",
                                                "a/d", "a\xc3\xa9", "b/1"});

  ListRequest grouped;
  grouped.prefix = "a/";
  grouped.delimiter = "/";
  page = ix->List("photos", grouped);
  CHECK(Keys(*page) == std::vector<std::string>{"a/0", "a/1", "a/2", "a/d"});
  CHECK(page->common_prefixes == std::vector<std::string>{"a/b/", "a/c/"});
  CHECK_FALSE(page->truncated);

  // Two entries a page; the continuation point may be a common prefix.
  grouped.max_keys = 2;
  std::vector<std::string> walked;
  int pages = 0;
  while (true) {
    page = ix->List("photos", grouped);
    REQUIRE(page.ok());
    ++pages;
    // Entries in S3's order: objects and prefixes merged by key.
    std::vector<std::string> entries = Keys(*page);
    entries.insert(entries.end(), page->common_prefixes.begin(), page->common_prefixes.end());
    std::sort(entries.begin(), entries.end());
    walked.insert(walked.end(), entries.begin(), entries.end());
    if (!page->truncated) break;
    grouped.after = page->last;
  }
  CHECK(walked == std::vector<std::string>{"a/0", "a/1", "a/2", "a/b/", "a/c/", "a/d"});
  CHECK(pages == 3);

  ListRequest after;
  after.after = "a/b/2";
  CHECK(Keys(*ix->List("photos", after)) ==
        std::vector<std::string>{"a/c/1", "a/d", "a\xc3\xa9", "b/1"});
}

TEST_CASE(
    "ObjectIndex: the change hook writes in the object's transaction, and rolls back with it") {
  testing::TempDir dir;
  auto ix = std::move(ObjectIndex::Open(dir.Join("jobs.db")).value());
  REQUIRE(ix->CreateBucket("photos").ok());
  std::vector<std::string> seen;
  bool fail = false;
  int committed = 0, calls = 0;
  ix->SetChangeHook(
      [&](SQLite::Database& txn, const ObjectChange& change) {
        seen.push_back((change.kind == ObjectChangeKind::kPut ? "put " : "delete ") +
                       change.row.key);
        // A row of the hook's own, beside the object's (a bucket, to see it).
        txn.exec("INSERT INTO s3_buckets (name, created_at) VALUES ('hook-" +
                 std::to_string(++calls) + "', '')");
        if (fail) throw std::runtime_error("hook refused");
      },
      [&] { ++committed; });
  REQUIRE(ix->Put(Row("a.txt")).ok());
  CHECK(ix->BucketExists("hook-1").value());
  CHECK(committed == 1);
  fail = true;
  CHECK_FALSE(ix->Put(Row("b.txt")).ok());
  CHECK_FALSE(ix->Get("photos", "b.txt").value().has_value());  // rolled back together
  CHECK_FALSE(ix->BucketExists("hook-2").value());
  CHECK_FALSE(ix->Delete("photos", "a.txt").ok());
  CHECK(ix->Get("photos", "a.txt").value().has_value());
  CHECK(committed == 1);
  fail = false;
  seen.clear();
  REQUIRE(ix->Delete("photos", "a.txt").ok());
  REQUIRE(ix->Delete("photos", "never.txt").ok());  // nothing removed: no change, no hook
  CHECK(seen == std::vector<std::string>{"delete a.txt"});
  CHECK(committed == 2);
}
