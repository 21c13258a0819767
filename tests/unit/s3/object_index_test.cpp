// ObjectIndex on a real SQLite file and on a real PostgreSQL (each case runs
// on both; PostgreSQL skipped when not installed): buckets,
// replace-returns-previous, ListObjectsV2's walk (prefix, delimiter, common
// prefixes, pagination from the last key or prefix returned) in S3's bytewise
// key order with non-ASCII keys and delimiters, rows that follow their job,
// two nodes replacing one key at once; the SQLite change hook's rows commit
// and roll back with the object's.
#include "s3/object_index.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <set>
#include <thread>

#include "jobs/pg_conn.h"
#include "s3/pg_indexes.h"
#include "s3/sqlite_object_index.h"
#include "unit/s3/index_fixtures.h"
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

TEMPLATE_TEST_CASE("ObjectIndex: buckets are created once and deleted only when empty", "[s3]",
                   testing::SqliteIndex, testing::PgIndex) {
  EDGEPIX_INDEX_FIXTURE(fx);
  auto index = fx.Objects();
  ObjectIndex& ix = *index;
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

TEMPLATE_TEST_CASE(
    "ObjectIndex: Put replaces and hands back the previous row, keys are opaque text", "[s3]",
    testing::SqliteIndex, testing::PgIndex) {
  EDGEPIX_INDEX_FIXTURE(fx);
  auto ix = fx.Objects();
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

TEMPLATE_TEST_CASE("ObjectIndex: listing by prefix and delimiter, page by page", "[s3]",
                   testing::SqliteIndex, testing::PgIndex) {
  EDGEPIX_INDEX_FIXTURE(fx);
  auto ix = fx.Objects();
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
  auto ix = std::move(SqliteObjectIndex::Open(dir.Join("jobs.db")).value());
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

TEMPLATE_TEST_CASE("ObjectIndex: any bytes in a key, listed bytewise with a multibyte delimiter",
                   "[s3]", testing::SqliteIndex, testing::PgIndex) {
  EDGEPIX_INDEX_FIXTURE(fx);
  auto ix = fx.Objects();
  REQUIRE(ix->CreateBucket("photos").ok());
  // U+00E9, U+4E2D, U+1F600, a lone 0xff, '~' (0x7e), 'Z' (0x5a), a NUL byte.
  const std::vector<std::string> keys = {"caf\xc3\xa9\xe2\x86\x92x",
                                         "caf\xc3\xa9\xe2\x86\x92y\xe2\x86\x92z",
                                         "caf\xc3\xa9",
                                         "\xe4\xb8\xad\xe6\x96\x87",
                                         "\xf0\x9f\x98\x80",
                                         "\xff",
                                         "~tilde",
                                         "Zed",
                                         std::string("nul\0byte", 8)};
  for (const auto& k : keys) REQUIRE(ix->Put(Row(k)).ok());
  std::vector<std::string> sorted = keys;
  std::sort(sorted.begin(), sorted.end());  // std::string compares as unsigned bytes
  auto page = ix->List("photos", ListRequest{});
  REQUIRE(page.ok());
  CHECK(Keys(*page) == sorted);
  CHECK((*ix->Get("photos", std::string("nul\0byte", 8)))->key == std::string("nul\0byte", 8));

  // U+2192 as the delimiter: "caf\u00e9\u2192" groups two keys.
  ListRequest grouped;
  grouped.prefix = "caf\xc3\xa9";
  grouped.delimiter = "\xe2\x86\x92";
  page = ix->List("photos", grouped);
  REQUIRE(page.ok());
  CHECK(Keys(*page) == std::vector<std::string>{"caf\xc3\xa9"});
  CHECK(page->common_prefixes == std::vector<std::string>{"caf\xc3\xa9\xe2\x86\x92"});
  // Resuming from the common prefix skips what is under it.
  grouped.after = page->common_prefixes.front();
  page = ix->List("photos", grouped);
  REQUIRE(page.ok());
  CHECK(Keys(*page).empty());
  CHECK(page->common_prefixes.empty());

  // More keys than one fetch (256) under a prefix, in one page and in pages.
  for (int i = 0; i < 600; ++i) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "many/\xc3\xa9%04d", i);
    REQUIRE(ix->Put(Row(buf)).ok());
  }
  ListRequest many;
  many.prefix = "many/";
  page = ix->List("photos", many);
  REQUIRE(page.ok());
  CHECK(page->objects.size() == 600);
  CHECK_FALSE(page->truncated);
  many.max_keys = 250;
  size_t total = 0;
  int pages = 0;
  while (true) {
    page = ix->List("photos", many);
    REQUIRE(page.ok());
    total += page->objects.size();
    ++pages;
    if (!page->truncated) break;
    many.after = page->last;
  }
  CHECK(total == 600);
  CHECK(pages == 3);
}

TEMPLATE_TEST_CASE("ObjectIndex: a job's deletion deletes the objects that are its original",
                   "[s3]", testing::SqliteIndex, testing::PgIndex) {
  EDGEPIX_INDEX_FIXTURE(fx);
  auto ix = fx.Objects();
  REQUIRE(ix->CreateBucket("photos").ok());
  fx.Exec(
      "INSERT INTO jobs (id, seq, status, version, created_at, updated_at) "
      "VALUES ('job-1', 1, 'COMPLETED', 1, '', '')");
  ObjectRow image = Row("cat.jpg", "");
  image.job_id = "job-1";
  REQUIRE(ix->Put(image).ok());
  REQUIRE(ix->Put(Row("plain.txt")).ok());
  auto by_job = ix->ByJob("job-1");
  REQUIRE(by_job.ok());
  REQUIRE(by_job->size() == 1);
  CHECK(by_job->front().key == "cat.jpg");
  fx.Exec("DELETE FROM jobs WHERE id = 'job-1'");
  CHECK_FALSE(ix->Get("photos", "cat.jpg")->has_value());
  CHECK(ix->Get("photos", "plain.txt")->has_value());
  CHECK(ix->ByJob("job-1")->empty());
}

TEMPLATE_TEST_CASE("ObjectIndex: two nodes replacing one key at once each get what they replaced",
                   "[s3]", testing::SqliteIndex, testing::PgIndex) {
  EDGEPIX_INDEX_FIXTURE(fx);
  auto a = fx.Objects();
  auto b = fx.Objects();  // a second node on the same database
  REQUIRE(a->CreateBucket("photos").ok());
  CHECK(b->CreateBucket("photos").code() == ErrorCode::kConflict);
  constexpr int kPerThread = 40;
  std::vector<std::string> replaced[4];
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      ObjectIndex* ix = (t % 2 == 0) ? a.get() : b.get();
      for (int i = 0; i < kPerThread; ++i) {
        auto prev = ix->Put(Row("hot", std::to_string(t) + "-" + std::to_string(i)));
        if (!prev.ok()) {
          replaced[t].push_back("error: " + prev.status().ToString());
          continue;
        }
        if (prev->has_value()) replaced[t].push_back((*prev)->blob_id);
      }
    });
  }
  for (auto& th : threads) th.join();
  // Every blob but the final one was replaced exactly once (so freed once):
  // none leaked, none freed twice.
  std::multiset<std::string> all;
  for (const auto& r : replaced) all.insert(r.begin(), r.end());
  auto last = a->Get("photos", "hot");
  REQUIRE(last.ok());
  REQUIRE(last->has_value());
  CHECK(all.size() == 4 * kPerThread - 1);
  CHECK(std::set<std::string>(all.begin(), all.end()).size() == all.size());
  CHECK(all.count((*last)->blob_id) == 0);
  // The bucket, seen from the other node.
  CHECK(*b->BucketExists("photos"));
  CHECK(b->ListBuckets()->size() == 1);
}

TEST_CASE(
    "ObjectIndex on PostgreSQL: the change hook writes in the object's transaction, and rolls "
    "back with it",
    "[s3][pg]") {
  testing::PgIndex fx;
  if (const std::string why = fx.Unavailable(); !why.empty()) EDGEPIX_SKIP(why);
  std::vector<std::string> seen;
  bool fail = false;
  int committed = 0, calls = 0;
  PgObjectHooks hooks;
  hooks.on_change = [&](PgConn& txn, const ObjectChange& change) {
    seen.push_back((change.kind == ObjectChangeKind::kDelete ? "delete " : "put ") +
                   change.row.key);
    txn.Exec("INSERT INTO s3_buckets (name, created_at) VALUES ($1, '')",
             {"hook-" + std::to_string(++calls)});
    if (fail) throw std::runtime_error("hook refused");
  };
  hooks.after_commit = [&] { ++committed; };
  auto opened = OpenPgObjectIndex(fx.url, 2, hooks);
  REQUIRE(opened.ok());
  auto& ix = *opened;
  REQUIRE(ix->CreateBucket("photos").ok());
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
