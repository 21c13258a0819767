// PrefixBatches on real SQLite stores: one OPEN batch per (bucket, prefix),
// found again after the stores are reopened (its metadata is the record),
// closed by the marker, a new one after it; the key helpers.
#include "s3/prefix_batches.h"

#include <catch2/catch.hpp>

#include "jobs/sqlite_stores.h"
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
    auto lock = batches.Lock();
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
  auto lock = batches.Lock();
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
