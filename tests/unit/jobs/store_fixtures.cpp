#include "unit/jobs/store_fixtures.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>

#include "jobs/pg_job_store.h"
#include "jobs/sqlite_stores.h"

namespace edgepix::testing {

std::unique_ptr<JobStore> SqliteStore::Open() {
  auto store = OpenSqliteJobStore(tmp.Join("jobs.db"));
  INFO(store.status().ToString());
  REQUIRE(store.ok());
  return std::move(*store);
}

StoreSet SqliteStore::OpenAll() {
  auto stores = OpenSqliteStores(tmp.Join("jobs.db"));
  INFO(stores.status().ToString());
  REQUIRE(stores.ok());
  return {std::move(stores->jobs), std::move(stores->batches), std::move(stores->grants)};
}

void SqliteStore::Exec(const std::string& sql) {
  SQLite::Database db(tmp.Join("jobs.db"), SQLite::OPEN_READWRITE);
  db.exec(sql);
}

std::string PgStore::Unavailable() {
  std::string why = PgCluster::Unavailable();
  if (!why.empty()) return why;
  cluster = &PgCluster::Shared();
  url = cluster->CreateDatabase();
  database = PgCluster::DatabaseOf(url);
  return "";
}

std::unique_ptr<JobStore> PgStore::Open(const std::string& node_id, bool heartbeat,
                                        std::chrono::milliseconds lease) {
  PgJobStoreOptions options;
  options.url = url;
  options.node_id = node_id;
  options.heartbeat = heartbeat;
  options.lease = lease;
  auto store = OpenPgJobStore(options);
  INFO(store.status().ToString());
  REQUIRE(store.ok());
  return std::move(*store);
}

StoreSet PgStore::OpenAll(const std::string& node_id) {
  PgJobStoreOptions options;
  options.url = url;
  options.node_id = node_id;
  options.heartbeat = false;
  auto stores = OpenPgStores(options);
  INFO(stores.status().ToString());
  REQUIRE(stores.ok());
  return {std::move(stores->jobs), std::move(stores->batches), std::move(stores->grants)};
}

void PgStore::Exec(const std::string& sql) { cluster->Exec(sql, database); }

}  // namespace edgepix::testing
