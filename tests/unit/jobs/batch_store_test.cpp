// The SQLite BatchStore beside the JobStore: counts follow the jobs in the
// same transaction, the terminal hook runs once inside it (and a throwing
// hook rolls the job's change back), grants are used once.
#include <catch2/catch.hpp>
#include <stdexcept>
#include <vector>

#include "jobs/sqlite_stores.h"
#include "unit/support/fixtures.h"
#include "unit/support/sample_job.h"

using edgepix::testing::SampleJob;

using namespace edgepix;
using edgepix::testing::TempDir;

namespace {

SqliteStores Open(const std::string& path, SqliteStoreHooks hooks = {}) {
  auto stores = OpenSqliteStores(path, std::move(hooks));
  INFO(stores.status().ToString());
  REQUIRE(stores.ok());
  return std::move(*stores);
}

// Claims the next job and checks it is `id`.
void Claim(JobStore* jobs, const std::string& id) {
  auto claimed = jobs->ClaimNext();
  REQUIRE(claimed.ok());
  REQUIRE(claimed->has_value());
  REQUIRE((*claimed)->id == id);
}

}  // namespace

TEST_CASE("batch counts follow the jobs and the terminal hook runs once, in the transaction") {
  TempDir tmp;
  std::vector<Batch> terminal;
  std::vector<std::string> changed;
  SqliteStoreHooks hooks;
  hooks.on_batch_terminal = [&](SQLite::Database& txn, const Batch& b) {
    terminal.push_back(b);
    txn.exec("CREATE TABLE IF NOT EXISTS outbox_test (batch TEXT)");
    SQLite::Statement st(txn, "INSERT INTO outbox_test (batch) VALUES (?)");
    st.bind(1, b.id);
    st.exec();
  };
  hooks.on_batch_changed = [&](const std::string& id) { changed.push_back(id); };
  auto s = Open(tmp.Join("jobs.db"), hooks);
  auto batch = s.batches->Create({});
  REQUIRE(batch.ok());
  const std::string id = batch->id;
  REQUIRE(s.jobs->Insert(SampleJob("jobAAAAAAAA1", id)).ok());
  REQUIRE(s.jobs->Insert(SampleJob("jobAAAAAAAA2", id)).ok());
  CHECK(s.jobs->Insert(SampleJob("jobAAAAAAAA3", "noSuchBatch1")).code() == ErrorCode::kNotFound);
  auto b = s.batches->Get(id);
  CHECK(b->counts.total == 2);
  CHECK(b->counts.pending == 2);
  CHECK(b->status == BatchStatus::kOpen);
  CHECK(changed.size() == 2);

  auto closed = s.batches->Close(id);
  REQUIRE(closed.ok());
  CHECK(closed->status == BatchStatus::kProcessing);
  CHECK(s.jobs->Insert(SampleJob("jobAAAAAAAA4", id)).code() == ErrorCode::kBatchClosed);
  Claim(s.jobs.get(), "jobAAAAAAAA1");
  CHECK(s.batches->Get(id)->counts.processing == 1);
  REQUIRE(s.jobs->MarkCompleted("jobAAAAAAAA1", {}, {}, {}, "k", {}, {}).ok());
  Claim(s.jobs.get(), "jobAAAAAAAA2");
  CHECK(terminal.empty());
  REQUIRE(s.jobs->MarkFailed("jobAAAAAAAA2", {"undecodable", "bad"}).ok());
  REQUIRE(terminal.size() == 1);
  CHECK(terminal[0].status == BatchStatus::kPartial);
  CHECK(terminal[0].counts.completed == 1);
  CHECK(terminal[0].counts.failed == 1);
  // Deleting a job updates the counts; the terminal status stays, the hook does not run again.
  REQUIRE(s.jobs->Delete("jobAAAAAAAA2").ok());
  b = s.batches->Get(id);
  CHECK(b->status == BatchStatus::kPartial);
  CHECK(b->counts.total == 1);
  CHECK(terminal.size() == 1);
  SQLite::Database db(tmp.Join("jobs.db"), SQLite::OPEN_READONLY);
  CHECK(db.execAndGet("SELECT COUNT(*) FROM outbox_test").getInt() == 1);
}

TEST_CASE("a throwing terminal hook rolls back the job change that caused it") {
  TempDir tmp;
  bool fail = true;
  SqliteStoreHooks hooks;
  hooks.on_batch_terminal = [&](SQLite::Database&, const Batch&) {
    if (fail) throw std::runtime_error("outbox full");
  };
  auto s = Open(tmp.Join("jobs.db"), hooks);
  const std::string id = s.batches->Create({})->id;
  REQUIRE(s.jobs->Insert(SampleJob("jobBBBBBBBB1", id)).ok());
  REQUIRE(s.batches->Close(id).ok());
  Claim(s.jobs.get(), "jobBBBBBBBB1");
  CHECK_FALSE(s.jobs->MarkFailed("jobBBBBBBBB1", {"undecodable", "bad"}).ok());
  CHECK(s.jobs->Get("jobBBBBBBBB1")->status == JobStatus::kProcessing);
  CHECK(s.batches->Get(id)->status == BatchStatus::kProcessing);
  fail = false;
  REQUIRE(s.jobs->MarkFailed("jobBBBBBBBB1", {"undecodable", "bad"}).ok());
  CHECK(s.batches->Get(id)->status == BatchStatus::kFailed);
}

TEST_CASE("an upload grant is used once, and a released one can be used again") {
  TempDir tmp;
  auto s = Open(tmp.Join("jobs.db"));
  UploadGrant g;
  g.id = "grantAAAAAAA1";
  g.expires_at = 4102444800;
  REQUIRE(s.grants->Create({g}).ok());
  REQUIRE(s.jobs->InsertWithGrant(SampleJob("jobCCCCCCCC1", ""), g.id).ok());
  auto second = s.jobs->InsertWithGrant(SampleJob("jobCCCCCCCC2", ""), g.id);
  CHECK(second.code() == ErrorCode::kGrantInvalid);
  CHECK(s.jobs->Get("jobCCCCCCCC2").status().code() == ErrorCode::kNotFound);
  CHECK(s.grants->Get(g.id)->job_id == "jobCCCCCCCC1");
  REQUIRE(s.grants->Release(g.id, "jobCCCCCCCC1").ok());
  CHECK(s.jobs->InsertWithGrant(SampleJob("jobCCCCCCCC3", ""), g.id).ok());
}
