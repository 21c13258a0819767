// PrefixBatches on real SQLite stores: one OPEN batch per (bucket, prefix),
// found again after the stores are reopened (its metadata is the record),
// closed by the marker, a new one after it; the key helpers. On a real
// PostgreSQL (skipped when not installed): two nodes racing on one prefix
// open one batch (the advisory lock), and one node's marker closes it.
#include "s3/prefix_batches.h"

#include <catch2/catch.hpp>
#include <set>
#include <thread>
#include <vector>

#include "jobs/pg_job_store.h"
#include "jobs/sqlite_stores.h"
#include "s3/pg_indexes.h"
#include "unit/s3/index_fixtures.h"
#include "unit/support/fixtures.h"

using namespace edgepix;
using namespace edgepix::s3;

TEST_CASE("prefix batches: key prefix and marker keys") {
  CHECK(KeyPrefix("a/b/c.jpg") == "a/b/");
  CHECK(KeyPrefix("c.jpg") == "");
  CHECK(KeyPrefix("a/") == "a/");
  CHECK(IsMarkerKey("a/b/_complete", "_complete"));
  CHECK(IsMarkerKey("_complete", "_complete"));
  CHECK_FALSE(IsMarkerKey("a/b/x_complete", "_complete"));
  CHECK_FALSE(IsMarkerKey("a/_complete/x", "_complete"));
  CHECK_FALSE(IsMarkerKey("a/_complete", ""));
}

TEST_CASE("prefix batches: one open batch per prefix, kept across a reopen, closed by the marker") {
  testing::TempDir dir;
  const std::string db = dir.Join("jobs.db");
  std::string first;
  {
    auto stores = OpenSqliteStores(db);
    REQUIRE(stores.ok());
    PrefixBatches batches(stores->batches.get());
    auto lock = batches.Lock("photos", "event1/");
    auto a = batches.OpenFor("photos", "event1/");
    REQUIRE(a.ok());
    first = *a;
    CHECK(*batches.OpenFor("photos", "event1/") == first);
    CHECK(*batches.OpenFor("photos", "event2/") != first);
    CHECK(*batches.OpenFor("docs", "event1/") != first);
  }
  auto stores = OpenSqliteStores(db);
  REQUIRE(stores.ok());
  PrefixBatches batches(stores->batches.get());
  auto lock = batches.Lock("photos", "event1/");
  CHECK(*batches.OpenFor("photos", "event1/") == first);
  auto closed = batches.Close("photos", "event1/");
  REQUIRE(closed.ok());
  REQUIRE(closed->has_value());
  CHECK((*closed)->id == first);
  CHECK((*closed)->status != BatchStatus::kOpen);  // empty: terminal at once
  auto again = batches.Close("photos", "event1/");
  REQUIRE(again.ok());
  CHECK_FALSE(again->has_value());
  auto next = batches.OpenFor("photos", "event1/");
  REQUIRE(next.ok());
  CHECK(*next != first);
}

TEST_CASE("prefix batches on PostgreSQL: two nodes racing on one prefix open one batch",
          "[s3][pg]") {
  testing::PgIndex fx;
  if (const std::string why = fx.Unavailable(); !why.empty()) EDGEPIX_SKIP(why);
  PgJobStoreOptions options;
  options.url = fx.url;
  options.heartbeat = false;
  options.node_id = "node-a";
  auto stores_a = OpenPgStores(options);
  REQUIRE(stores_a.ok());
  options.node_id = "node-b";
  auto stores_b = OpenPgStores(options);
  REQUIRE(stores_b.ok());
  auto locker_a = OpenPgPrefixLocker(fx.url);
  auto locker_b = OpenPgPrefixLocker(fx.url);
  REQUIRE(locker_a.ok());
  REQUIRE(locker_b.ok());
  PrefixBatches a(stores_a->batches.get(), *locker_a);
  PrefixBatches b(stores_b->batches.get(), *locker_b);
  // Without the cross-node lock the two "find, else create" could both create.
  std::vector<std::string> ids[4];
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      PrefixBatches& node = t % 2 == 0 ? a : b;
      for (int i = 0; i < 10; ++i) {
        auto lock = node.Lock("photos", "race/");
        if (!lock.ok()) {
          ids[t].push_back("lock failed");
          continue;
        }
        auto id = node.OpenFor("photos", "race/");
        ids[t].push_back(id.ok() ? *id : "error");
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<std::string> distinct;
  for (const auto& v : ids) distinct.insert(v.begin(), v.end());
  CHECK(distinct.size() == 1);
  CHECK_FALSE(distinct.count("error"));
  // The marker on node b closes the batch node a opened.
  {
    auto lock = b.Lock("photos", "race/");
    REQUIRE(lock.ok());
    auto closed = b.Close("photos", "race/");
    REQUIRE(closed.ok());
    REQUIRE(closed->has_value());
    CHECK((*closed)->id == *distinct.begin());
  }
  auto lock = a.Lock("photos", "race/");
  REQUIRE(lock.ok());
  CHECK(*a.OpenFor("photos", "race/") != *distinct.begin());
}
