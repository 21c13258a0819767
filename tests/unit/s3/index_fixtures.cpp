#include "unit/s3/index_fixtures.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>

#include "s3/pg_indexes.h"
#include "s3/sqlite_multipart_index.h"
#include "s3/sqlite_object_index.h"

namespace edgepix::testing {

std::unique_ptr<s3::ObjectIndex> SqliteIndex::Objects() {
  auto index = s3::SqliteObjectIndex::Open(tmp.Join("jobs.db"));
  INFO(index.status().ToString());
  REQUIRE(index.ok());
  return std::move(*index);
}

std::unique_ptr<s3::MultipartIndex> SqliteIndex::Uploads(const std::string&) {
  auto index = s3::SqliteMultipartIndex::Open(tmp.Join("jobs.db"));
  INFO(index.status().ToString());
  REQUIRE(index.ok());
  return std::move(*index);
}

void SqliteIndex::Exec(const std::string& sql) {
  SQLite::Database db(tmp.Join("jobs.db"), SQLite::OPEN_READWRITE);
  db.exec(sql);
}

std::string PgIndex::Unavailable() {
  std::string why = PgCluster::Unavailable();
  if (!why.empty()) return why;
  cluster = &PgCluster::Shared();
  url = cluster->CreateDatabase();
  database = PgCluster::DatabaseOf(url);
  return "";
}

std::unique_ptr<s3::ObjectIndex> PgIndex::Objects() {
  auto index = s3::OpenPgObjectIndex(url);
  INFO(index.status().ToString());
  REQUIRE(index.ok());
  return std::move(*index);
}

std::unique_ptr<s3::MultipartIndex> PgIndex::Uploads(const std::string& node) {
  auto index = s3::OpenPgMultipartIndex(url, node);
  INFO(index.status().ToString());
  REQUIRE(index.ok());
  return std::move(*index);
}

void PgIndex::Exec(const std::string& sql) { cluster->Exec(sql, database); }

}  // namespace edgepix::testing
