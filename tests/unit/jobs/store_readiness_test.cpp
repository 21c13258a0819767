// JobStore::CheckWritable: readiness of the SQLite store, on a real database.
#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>

#include "jobs/job_store.h"
#include "unit/support/fixtures.h"

using edgepix::ErrorCode;
using edgepix::OpenSqliteJobStore;
using edgepix::testing::TempDir;

TEST_CASE("JobStore::CheckWritable: OK on a fresh database, writes nothing", "[store][ready]") {
  TempDir tmp;
  auto store = OpenSqliteJobStore(tmp.Join("jobs.db"));
  REQUIRE(store.ok());
  CHECK((*store)->CheckWritable().ok());
  CHECK((*store)->CountByStatus(edgepix::JobStatus::kPending).value() == 0);
  CHECK((*store)->CheckWritable().ok());  // repeatable: the probe left no lock behind
}

TEST_CASE("JobStore::CheckWritable: kUnavailable while another connection holds the write lock",
          "[store][ready]") {
  TempDir tmp;
  const std::string path = tmp.Join("jobs.db");
  auto store = OpenSqliteJobStore(path);
  REQUIRE(store.ok());
  {
    SQLite::Database other(path, SQLite::OPEN_READWRITE);
    other.exec("BEGIN IMMEDIATE");
    const edgepix::Status st = (*store)->CheckWritable();
    CHECK(st.code() == ErrorCode::kUnavailable);
    CHECK(st.message().find("write transaction") != std::string::npos);
    other.exec("ROLLBACK");
  }
  CHECK((*store)->CheckWritable().ok());
}

TEST_CASE("JobStore::CheckWritable: kUnavailable when the database file is gone",
          "[store][ready]") {
  TempDir tmp;
  const std::string path = tmp.Join("jobs.db");
  auto store = OpenSqliteJobStore(path);
  REQUIRE(store.ok());
  // The open connections keep the unlinked file; a new writer could not open it.
  REQUIRE(std::remove(path.c_str()) == 0);
  CHECK((*store)->CheckWritable().code() == ErrorCode::kUnavailable);
}
