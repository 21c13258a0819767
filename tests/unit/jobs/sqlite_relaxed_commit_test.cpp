// Claims and variant publishes commit with synchronous=NORMAL; every other
// write, uploads first, must still find the writer at FULL afterwards, also
// when the relaxed transaction failed or returned early.
#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>
#include <memory>

#include "jobs/job_store.h"
#include "jobs/sqlite_shared.h"
#include "unit/support/fixtures.h"
#include "unit/support/sample_job.h"

using edgepix::testing::SampleJob;

namespace {

constexpr int kNormal = 1;
constexpr int kFull = 2;

int Synchronous(SQLite::Database& db) { return db.execAndGet("PRAGMA synchronous").getInt(); }

}  // namespace

TEST_CASE("Relaxed commits leave the SQLite writer at synchronous=FULL",
          "[store][sqlite][durability]") {
  edgepix::testing::TempDir dir;
  auto shared =
      std::make_shared<edgepix::SqliteShared>(dir.Join("jobs.db"), edgepix::SqliteStoreHooks{});
  auto store = edgepix::MakeSqliteJobStore(shared);
  REQUIRE(Synchronous(shared->writer) == kFull);

  SECTION("inside the guard NORMAL, after it FULL, also after a rollback") {
    {
      edgepix::SqliteRelaxedCommit relaxed(shared->writer);
      CHECK(Synchronous(shared->writer) == kNormal);
      SQLite::Transaction txn(shared->writer);  // rolled back: never committed
    }
    CHECK(Synchronous(shared->writer) == kFull);
  }

  SECTION("after a claim, a publish, a refused publish and an empty claim") {
    REQUIRE(store->Insert(SampleJob("relaxedjob0000000000001")).ok());
    CHECK(Synchronous(shared->writer) == kFull);
    auto claimed = store->ClaimNext();
    REQUIRE(claimed.ok());
    REQUIRE(claimed->has_value());
    CHECK(Synchronous(shared->writer) == kFull);

    edgepix::VariantRecord thumb{"thumb", 150, 150, 10};
    auto published = store->PublishVariant("relaxedjob0000000000001", thumb,
                                           [] { return edgepix::Status::Ok(); });
    REQUIRE(published.ok());
    CHECK(published->variants.size() == 1);
    CHECK(Synchronous(shared->writer) == kFull);

    // The publish callback fails: the transaction rolls back.
    auto refused = store->PublishVariant("relaxedjob0000000000001", thumb, [] {
      return edgepix::Status::Error(edgepix::ErrorCode::kIoError, "disk says no");
    });
    CHECK_FALSE(refused.ok());
    CHECK(Synchronous(shared->writer) == kFull);

    // An unknown job: the early return inside the transaction.
    auto unknown = store->PublishVariant("nosuchjob0000000000001", thumb,
                                         [] { return edgepix::Status::Ok(); });
    CHECK(unknown.status().code() == edgepix::ErrorCode::kNotFound);
    CHECK(Synchronous(shared->writer) == kFull);

    auto none = store->ClaimNext();  // nothing PENDING
    REQUIRE(none.ok());
    CHECK_FALSE(none->has_value());
    CHECK(Synchronous(shared->writer) == kFull);
  }
}
