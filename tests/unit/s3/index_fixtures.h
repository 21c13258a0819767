// The S3 index implementations the S3 index tests run against, as types for
// Catch2's TEMPLATE_TEST_CASE ("<name> - SqliteIndex", "<name> - PgIndex").
//
// A fixture owns the backing database for the test's length: Unavailable()
// prepares it ("" when ready; otherwise why not, for EDGEPIX_SKIP: a missing
// PostgreSQL skips, never passes); Objects() opens an object index on it (again:
// a second node on the same database), Uploads() a multipart index; Exec() runs raw SQL on it.
// PgIndex starts one private PostgreSQL per test process (unit/support/pg_cluster.h) and makes a
// fresh database per fixture. One test thread owns a fixture.
#pragma once

#include <memory>
#include <string>

#include "s3/multipart_index.h"
#include "s3/object_index.h"
#include "unit/support/fixtures.h"
#include "unit/support/pg_cluster.h"
#include "unit/support/skip.h"

namespace edgepix::testing {

struct SqliteIndex {
  std::string Unavailable() { return ""; }
  std::unique_ptr<s3::ObjectIndex> Objects();
  std::unique_ptr<s3::MultipartIndex> Uploads(const std::string& node = "node-a");
  void Exec(const std::string& sql);
  TempDir tmp;
};

struct PgIndex {
  std::string Unavailable();
  std::unique_ptr<s3::ObjectIndex> Objects();
  // `node` names the index's claims (another node: another name).
  std::unique_ptr<s3::MultipartIndex> Uploads(const std::string& node = "node-a");
  void Exec(const std::string& sql);
  PgCluster* cluster = nullptr;  // shared by the test process
  std::string url;
  std::string database;
};

}  // namespace edgepix::testing

// First lines of a TEMPLATE_TEST_CASE over the indexes: `fx` is the fixture,
// skipped when its database cannot run here.
#define EDGEPIX_INDEX_FIXTURE(fx)                               \
  TestType fx;                                                  \
  if (const std::string why = fx.Unavailable(); !why.empty()) { \
    EDGEPIX_SKIP(why);                                          \
  }
