// The job store implementations the store suite runs against, as types for
// Catch2's TEMPLATE_TEST_CASE: each test case runs once per store, as its own
// test case ("<name> - SqliteStore", "<name> - PgStore").
//
// A fixture owns the backing database for the test's length: Unavailable()
// prepares it ("" when ready; otherwise why not, for EDGEPIX_SKIP); Open()
// opens a store on it, again after an earlier store was destroyed (a
// restart); Exec() runs raw SQL on it (the tests that plant old rows).
// PgStore starts a private PostgreSQL (unit/support/pg_cluster.h; one per
// test process) and makes a fresh database per fixture; its stores share node id "node-a" (a
// reopened store is the same node restarted) unless given another, and run no heartbeat unless
// asked. One test thread owns a fixture.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "jobs/batch_store.h"
#include "jobs/grant_store.h"
#include "jobs/job_store.h"
#include "unit/support/fixtures.h"
#include "unit/support/pg_cluster.h"

namespace edgepix::testing {

// The job, batch and grant stores of one database, opened together.
struct StoreSet {
  std::unique_ptr<JobStore> jobs;
  std::unique_ptr<BatchStore> batches;
  std::unique_ptr<GrantStore> grants;
};

struct SqliteStore {
  std::string Unavailable() { return ""; }
  std::unique_ptr<JobStore> Open();
  StoreSet OpenAll();
  void Exec(const std::string& sql);
  TempDir tmp;
};

struct PgStore {
  std::string Unavailable();
  std::unique_ptr<JobStore> Open() { return Open("node-a", false); }
  StoreSet OpenAll(const std::string& node_id = "node-a");
  std::unique_ptr<JobStore> Open(const std::string& node_id, bool heartbeat,
                                 std::chrono::milliseconds lease = std::chrono::seconds(30));
  void Exec(const std::string& sql);
  PgCluster* cluster = nullptr;  // shared by the test process
  std::string url;
  std::string database;
};

}  // namespace edgepix::testing

// First lines of a TEMPLATE_TEST_CASE over the stores: `fx` is the fixture,
// skipped when its database cannot run here.
#define EDGEPIX_STORE_FIXTURE(fx)                               \
  TestType fx;                                                  \
  if (const std::string why = fx.Unavailable(); !why.empty()) { \
    EDGEPIX_SKIP(why);                                          \
  }
