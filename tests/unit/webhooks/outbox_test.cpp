// The outbox beside the job stores: a job's or batch's terminal change writes
// its rows in the same transaction (a throwing hook rolls the change back),
// and the Outbox reads them on its own connection and records attempts and
// retries through the stores' writer.
#include "webhooks/outbox.h"

#include <catch2/catch.hpp>
#include <stdexcept>

#include "jobs/sqlite_stores.h"
#include "unit/support/fixtures.h"

using namespace edgepix;
using namespace edgepix::webhooks;
using edgepix::testing::TempDir;

namespace {

Job NewJob(const std::string& id) {
  Job job;
  job.id = id;
  job.filename = id + ".jpg";
  job.original.sha256 = std::string(64, 'a');
  return job;
}

}  // namespace

TEST_CASE("outbox: rows commit with the job's terminal change, and roll back with it") {
  TempDir tmp;
  const std::string path = tmp.Join("jobs.db");
  bool fail = false;
  int committed = 0;
  SqliteStoreHooks hooks;
  hooks.on_job_terminal = [&](SQLite::Database& txn, const Job& job) {
    if (fail) throw std::runtime_error("outbox full");
    Outbox::Write(txn, {"job.failed", job.id, "{}", 1000, {"http://a/", "http://b/", "http://a/"}});
  };
  hooks.on_events_committed = [&] { ++committed; };
  auto stores = OpenSqliteStores(path, hooks);
  REQUIRE(stores.ok());
  JobStore* jobs = stores->jobs.get();
  REQUIRE(jobs->Insert(NewJob("jobAAAAAAAA1")).ok());
  REQUIRE(jobs->Insert(NewJob("jobAAAAAAAA2")).ok());
  REQUIRE(jobs->ClaimNext().ok());
  REQUIRE(jobs->ClaimNext().ok());

  fail = true;
  CHECK_FALSE(jobs->MarkFailed("jobAAAAAAAA1", {"undecodable", "x"}).ok());
  CHECK(jobs->Get("jobAAAAAAAA1")->status == JobStatus::kProcessing);
  CHECK(committed == 0);
  fail = false;
  REQUIRE(jobs->MarkFailed("jobAAAAAAAA1", {"undecodable", "x"}).ok());
  CHECK(committed == 1);
  // Not terminal: no event.
  REQUIRE(jobs->MarkPending("jobAAAAAAAA2").ok());
  CHECK(committed == 1);

  Outbox outbox(path, stores->write);
  auto due = outbox.Due(1000, 10);
  REQUIRE(due.ok());
  REQUIRE(due->size() == 2);  // duplicate endpoint dropped
  CHECK((*due)[0].subject_id == "jobAAAAAAAA1");
  CHECK((*due)[0].id.rfind("msg_", 0) == 0);
  CHECK((*due)[0].id != (*due)[1].id);
  CHECK(outbox.Due(999, 10)->empty());
  CHECK(**outbox.NextDue() == 1000);
  CHECK(*outbox.CountPending() == 2);

  const std::string id = (*due)[0].id;
  REQUIRE(outbox.Record(id, 2000, {503, "HTTP 503", false, false, 7000}).ok());
  CHECK(outbox.Due(6999, 10)->size() == 1);
  REQUIRE(outbox.Record(id, 8000, {0, "refused", false, true, 0}).ok());
  auto dead = outbox.List("dead", 10);
  REQUIRE(dead->size() == 1);
  CHECK((*dead)[0].attempts == 2);
  CHECK((*dead)[0].last_error == "refused");
  REQUIRE(outbox.Retry(id).ok());
  CHECK(outbox.List("pending", 10)->size() == 2);
  REQUIRE(outbox.Record(id, 9000, {204, "", true, false, 0}).ok());
  auto delivered = outbox.List("delivered", 10);
  REQUIRE(delivered->size() == 1);
  CHECK((*delivered)[0].delivered_ms == 9000);
  CHECK((*delivered)[0].attempts == 3);
  CHECK(outbox.Retry("msg_nope").code() == ErrorCode::kNotFound);
}
