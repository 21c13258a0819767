// SQLite failures become Status values with the right codes.
#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>

#include "jobs/job_store.h"
#include "jobs/sqlite_job_row.h"
#include "jobs/sqlite_schema.h"
#include "unit/support/fixtures.h"

using edgepix::ErrorCode;
using edgepix::StatusFromException;
using edgepix::testing::TempDir;

TEST_CASE("A full database is kDiskFull", "[store][errors]") {
  // max_page_count makes SQLite itself report SQLITE_FULL, as on a full disk.
  SQLite::Database db(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  db.exec("CREATE TABLE t (x BLOB)");
  db.exec("PRAGMA max_page_count = 8");
  edgepix::Status st;
  try {
    for (int i = 0; i < 100; ++i) db.exec("INSERT INTO t VALUES (zeroblob(4096))");
  } catch (const std::exception& e) {
    st = StatusFromException("insert", e);
  }
  CHECK(st.code() == ErrorCode::kDiskFull);
  CHECK(st.message().rfind("insert: ", 0) == 0);
}

TEST_CASE("Constraint violations are conflicts, other errors internal", "[store][errors]") {
  SQLite::Database db(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  db.exec("CREATE TABLE t (x INTEGER PRIMARY KEY)");
  db.exec("INSERT INTO t VALUES (1)");
  edgepix::Status st;
  try {
    db.exec("INSERT INTO t VALUES (1)");
  } catch (const std::exception& e) {
    st = StatusFromException("insert", e);
  }
  CHECK(st.code() == ErrorCode::kConflict);
  try {
    db.exec("SELECT * FROM no_such_table");
  } catch (const std::exception& e) {
    st = StatusFromException("select", e);
  }
  CHECK(st.code() == ErrorCode::kInternal);
  CHECK(StatusFromException("x", std::runtime_error("boom")).code() == ErrorCode::kInternal);
}

TEST_CASE("A database from a newer edgepix is refused, not altered", "[store][schema]") {
  TempDir tmp;
  const std::string path = tmp.Join("jobs.db");
  {
    auto store = edgepix::OpenSqliteJobStore(path);
    REQUIRE(store.ok());
  }
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    CHECK(db.execAndGet("PRAGMA user_version").getInt() == edgepix::kJobSchemaVersion);
    db.exec("PRAGMA user_version = 99");
  }
  auto store = edgepix::OpenSqliteJobStore(path);
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().message().find("newer") != std::string::npos);
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  CHECK(db.execAndGet("PRAGMA user_version").getInt() == 99);
}
