// The outbox beside the job stores, on both implementations (SqliteOutbox on
// the embedded file, PgOutbox on a private PostgreSQL; skipped when it is not
// installed), with the same promises: a job's or batch's terminal change
// writes its rows in the same transaction (a throwing hook rolls the change
// back), rows are claimed when due, attempts and retries are recorded. Then
// what PgOutbox adds for several nodes: one claim per row at a time (SKIP
// LOCKED), a claim taken over once its lease ends, and two nodes draining one
// outbox together record every row exactly once.
#include "webhooks/outbox.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <thread>

#include "jobs/pg_job_store.h"
#include "jobs/sqlite_stores.h"
#include "unit/support/fixtures.h"
#include "unit/support/pg_cluster.h"
#include "unit/support/sample_job.h"
#include "unit/support/skip.h"
#include "webhooks/pg_outbox.h"

using edgepix::testing::SampleJob;

using namespace edgepix;
using namespace edgepix::webhooks;
using edgepix::testing::PgCluster;
using edgepix::testing::TempDir;
using namespace std::chrono_literals;

namespace {

// What a test's hooks do with an event: write it (to these endpoints), or
// throw (`fail`), counting the commits that carried one.
struct HookControl {
  bool fail = false;
  int committed = 0;
  std::vector<std::string> endpoints = {"http://a/", "http://b/", "http://a/"};
};

struct Opened {
  std::unique_ptr<JobStore> jobs;
  std::unique_ptr<BatchStore> batches;
  std::unique_ptr<Outbox> outbox;
};

struct SqliteFx {
  std::string Unavailable() { return ""; }
  Opened Open(HookControl* control, const std::string& /*node*/ = "node-a") {
    SqliteStoreHooks hooks;
    hooks.on_job_terminal = [control](SQLite::Database& txn, const Job& job) {
      if (control->fail) throw std::runtime_error("outbox full");
      SqliteOutbox::Write(txn, {"job.failed", job.id, "{}", 1000, control->endpoints});
    };
    hooks.on_batch_terminal = [control](SQLite::Database& txn, const Batch& batch) {
      SqliteOutbox::Write(txn, {"batch.completed", batch.id, "{}", 1000, control->endpoints});
    };
    hooks.on_events_committed = [control] { ++control->committed; };
    auto stores = OpenSqliteStores(tmp.Join("jobs.db"), hooks);
    REQUIRE(stores.ok());
    Opened o;
    o.outbox = std::make_unique<SqliteOutbox>(tmp.Join("jobs.db"), stores->write);
    o.jobs = std::move(stores->jobs);
    o.batches = std::move(stores->batches);
    return o;
  }
  TempDir tmp;
};

struct PgFx {
  std::string Unavailable() {
    std::string why = PgCluster::Unavailable();
    if (!why.empty()) return why;
    url = PgCluster::Shared().CreateDatabase();
    return "";
  }
  Opened Open(HookControl* control, const std::string& node = "node-a",
              std::chrono::milliseconds claim_lease = 15s) {
    PgStoreHooks hooks;
    hooks.on_job_terminal = [control](PgConn& txn, const Job& job) {
      if (control->fail) throw std::runtime_error("outbox full");
      PgOutbox::Write(txn, {"job.failed", job.id, "{}", 1000, control->endpoints});
    };
    hooks.on_batch_terminal = [control](PgConn& txn, const Batch& batch) {
      PgOutbox::Write(txn, {"batch.completed", batch.id, "{}", 1000, control->endpoints});
    };
    hooks.on_events_committed = [control] { ++control->committed; };
    PgJobStoreOptions options;
    options.url = url;
    options.node_id = node;
    options.heartbeat = false;
    auto stores = OpenPgStores(options, hooks);
    INFO(stores.status().ToString());
    REQUIRE(stores.ok());
    Opened o;
    o.outbox = OpenOutbox(node, claim_lease);
    o.jobs = std::move(stores->jobs);
    o.batches = std::move(stores->batches);
    return o;
  }
  std::unique_ptr<PgOutbox> OpenOutbox(const std::string& node,
                                       std::chrono::milliseconds claim_lease = 15s) {
    auto outbox = PgOutbox::Open({url, node, claim_lease});
    INFO(outbox.status().ToString());
    REQUIRE(outbox.ok());
    return std::move(*outbox);
  }
  std::string url;
};

}  // namespace

TEMPLATE_TEST_CASE("outbox: rows commit with the job's terminal change, and roll back with it",
                   "[webhooks][outbox]", SqliteFx, PgFx) {
  TestType fx;
  if (const std::string why = fx.Unavailable(); !why.empty()) EDGEPIX_SKIP(why);
  HookControl control;
  Opened o = fx.Open(&control);
  JobStore* jobs = o.jobs.get();
  Outbox& outbox = *o.outbox;
  REQUIRE(jobs->Insert(SampleJob("jobAAAAAAAA1")).ok());
  REQUIRE(jobs->Insert(SampleJob("jobAAAAAAAA2")).ok());
  REQUIRE(jobs->ClaimNext().ok());
  REQUIRE(jobs->ClaimNext().ok());

  control.fail = true;
  CHECK_FALSE(jobs->MarkFailed("jobAAAAAAAA1", {"undecodable", "x"}).ok());
  CHECK(jobs->Get("jobAAAAAAAA1")->status == JobStatus::kProcessing);
  CHECK(control.committed == 0);
  CHECK(*outbox.CountPending() == 0);
  control.fail = false;
  REQUIRE(jobs->MarkFailed("jobAAAAAAAA1", {"undecodable", "x"}).ok());
  CHECK(control.committed == 1);
  // Not terminal: no event.
  REQUIRE(jobs->MarkPending("jobAAAAAAAA2").ok());
  CHECK(control.committed == 1);

  CHECK(outbox.Claim(999, 10)->empty());
  CHECK(**outbox.NextDue() == 1000);
  CHECK(*outbox.CountPending() == 2);  // duplicate endpoint dropped
  std::vector<Delivery> due;
  for (int i = 0; i < 3; ++i) {  // PgOutbox hands out one row per claim
    auto got = outbox.Claim(1000, 10);
    REQUIRE(got.ok());
    due.insert(due.end(), got->begin(), got->end());
    if (due.size() >= 2) break;
  }
  REQUIRE(due.size() == 2);
  CHECK(due[0].subject_id == "jobAAAAAAAA1");
  CHECK(due[0].type == "job.failed");
  CHECK(due[0].id.rfind("msg_", 0) == 0);
  CHECK(due[0].id != due[1].id);
  CHECK(due[0].endpoint != due[1].endpoint);

  const std::string id = due[0].id;
  REQUIRE(outbox.Record(id, 2000, {503, "HTTP 503", false, false, 7000}).ok());
  REQUIRE(outbox.Record(due[1].id, 2000, {200, "", true, false, 0}).ok());
  CHECK(outbox.Claim(6999, 10)->empty());
  auto again = outbox.Claim(7000, 10);
  REQUIRE(again->size() == 1);
  CHECK((*again)[0].id == id);
  CHECK((*again)[0].attempts == 1);
  REQUIRE(outbox.Record(id, 8000, {0, "refused", false, true, 0}).ok());
  auto dead = outbox.List("dead", 10);
  REQUIRE(dead->size() == 1);
  CHECK((*dead)[0].attempts == 2);
  CHECK((*dead)[0].last_error == "refused");
  CHECK(*outbox.CountPending() == 0);
  REQUIRE(outbox.Retry(id).ok());
  CHECK(outbox.List("pending", 10)->size() == 1);
  auto retried = outbox.Claim(NowMs(), 10);
  REQUIRE(retried->size() == 1);
  CHECK((*retried)[0].id == id);
  REQUIRE(outbox.Record(id, 9000, {204, "", true, false, 0}).ok());
  auto delivered = outbox.List("delivered", 10);
  REQUIRE(delivered->size() == 2);
  auto row = outbox.Get(id);
  CHECK(row->status == "delivered");
  CHECK(row->delivered_ms == 9000);
  CHECK(row->attempts == 3);
  CHECK(outbox.Get(due[1].id)->attempts == 1);
  CHECK(outbox.Retry("msg_nope").code() == ErrorCode::kNotFound);
  CHECK(outbox.Get("msg_nope").status().code() == ErrorCode::kNotFound);
  CHECK(outbox.List("", 10)->size() == 2);
}

TEMPLATE_TEST_CASE("outbox: a batch's terminal change writes one batch.completed per endpoint",
                   "[webhooks][outbox]", SqliteFx, PgFx) {
  TestType fx;
  if (const std::string why = fx.Unavailable(); !why.empty()) EDGEPIX_SKIP(why);
  HookControl control;
  control.endpoints = {"http://a/"};
  Opened o = fx.Open(&control);
  auto batch = o.batches->Create({});
  REQUIRE(batch.ok());
  REQUIRE(o.jobs->Insert(SampleJob("jobBBBBBBBB1", batch->id)).ok());
  REQUIRE(o.jobs->ClaimNext().ok());
  REQUIRE(o.jobs->MarkFailed("jobBBBBBBBB1", {"undecodable", "x"}).ok());
  CHECK(*o.outbox->CountPending() == 1);  // the job's; the batch is still open
  REQUIRE(o.batches->Close(batch->id).ok());
  CHECK(control.committed == 2);
  auto rows = o.outbox->List("pending", 10);
  REQUIRE(rows->size() == 2);
  CHECK((*rows)[0].type == "batch.completed");  // newest first
  CHECK((*rows)[0].subject_id == batch->id);
  // Closing again changes nothing and writes no second event.
  REQUIRE(o.batches->Close(batch->id).ok());
  CHECK(*o.outbox->CountPending() == 2);
}

TEST_CASE("PgOutbox: one node at a time holds a row, a claim is taken over after its lease",
          "[webhooks][outbox][pg]") {
  PgFx fx;
  if (const std::string why = fx.Unavailable(); !why.empty()) EDGEPIX_SKIP(why);
  HookControl control;
  control.endpoints = {"http://a/", "http://b/"};
  Opened o = fx.Open(&control, "node-a", 1s);
  auto b = fx.OpenOutbox("node-b", 1s);
  REQUIRE(o.jobs->Insert(SampleJob("jobCCCCCCCC1")).ok());
  REQUIRE(o.jobs->ClaimNext().ok());
  REQUIRE(o.jobs->MarkFailed("jobCCCCCCCC1", {"undecodable", "x"}).ok());

  const int64_t now = NowMs();
  auto a1 = o.outbox->Claim(now, 10);
  auto b1 = b->Claim(now, 10);
  REQUIRE(a1->size() == 1);
  REQUIRE(b1->size() == 1);
  CHECK((*a1)[0].id != (*b1)[0].id);
  CHECK(b->Claim(now, 10)->empty());  // both rows held
  // node-b's next chance is when node-a's claim ends, not now.
  auto next = b->NextDue();
  REQUIRE(next->has_value());
  CHECK(**next > now);
  REQUIRE(b->Record((*b1)[0].id, NowMs(), {204, "", true, false, 0}).ok());

  // node-a stalls past its lease: node-b takes the row over and sends it;
  // node-a's late record is refused, node-b's stands.
  std::this_thread::sleep_for(1200ms);
  auto b2 = b->Claim(NowMs(), 10);
  REQUIRE(b2->size() == 1);
  CHECK((*b2)[0].id == (*a1)[0].id);
  CHECK(o.outbox->Record((*a1)[0].id, NowMs(), {204, "", true, false, 0}).code() ==
        ErrorCode::kConflict);
  REQUIRE(b->Record((*b2)[0].id, NowMs(), {204, "", true, false, 0}).ok());
  CHECK(b->Get((*a1)[0].id)->attempts == 1);
  CHECK(*b->CountPending() == 0);

  // A released row is free at once.
  REQUIRE(b->Retry((*a1)[0].id).ok());
  auto a2 = o.outbox->Claim(NowMs(), 10);
  REQUIRE(a2->size() == 1);
  CHECK(b->Claim(NowMs(), 10)->empty());
  REQUIRE(o.outbox->Release((*a2)[0].id).ok());
  CHECK(b->Claim(NowMs(), 10)->size() == 1);

  // Import (edgepix migrate): a row as it is, once; a different row under the
  // same id is refused.
  Delivery d;
  d.id = "msg_imported01";
  d.type = "job.completed";
  d.subject_id = "jobX";
  d.endpoint = "http://a/";
  d.body = "{}";
  d.created_ms = 5;
  d.next_attempt_ms = 6;
  d.attempts = 2;
  d.status = "pending";
  d.last_status = 503;
  d.last_error = "HTTP 503";
  CHECK(*b->Import(d) == true);
  CHECK(*b->Import(d) == false);
  d.body = "{\"other\":1}";
  CHECK(b->Import(d).status().code() == ErrorCode::kConflict);
  auto imported = b->Get("msg_imported01");
  CHECK(imported->attempts == 2);
  CHECK(imported->next_attempt_ms == 6);
  CHECK(imported->last_error == "HTTP 503");
}

TEST_CASE("PgOutbox: two nodes draining one outbox record every row exactly once",
          "[webhooks][outbox][pg]") {
  PgFx fx;
  if (const std::string why = fx.Unavailable(); !why.empty()) EDGEPIX_SKIP(why);
  HookControl control;
  control.endpoints = {"http://a/"};
  Opened o = fx.Open(&control, "node-a");
  constexpr int kJobs = 60;
  for (int i = 0; i < kJobs; ++i) {
    const std::string id = "jobD" + std::to_string(1000 + i);
    REQUIRE(o.jobs->Insert(SampleJob(id)).ok());
    REQUIRE(o.jobs->ClaimNext().ok());
    REQUIRE(o.jobs->MarkFailed(id, {"undecodable", "x"}).ok());
  }
  auto b = fx.OpenOutbox("node-b");
  std::mutex mu;
  std::map<std::string, int> sent;  // row id -> sends
  std::atomic<int> conflicts{0};
  auto drain = [&](Outbox* outbox) {
    while (true) {
      auto got = outbox->Claim(NowMs(), 10);
      if (!got.ok() || got->empty()) return;
      for (const Delivery& d : *got) {
        {
          std::lock_guard<std::mutex> lock(mu);
          ++sent[d.id];
        }
        if (!outbox->Record(d.id, NowMs(), {204, "", true, false, 0}).ok()) ++conflicts;
      }
    }
  };
  std::thread ta(drain, o.outbox.get());
  std::thread tb(drain, b.get());
  ta.join();
  tb.join();
  CHECK(sent.size() == kJobs);
  for (const auto& [id, n] : sent) {
    INFO(id);
    CHECK(n == 1);
  }
  CHECK(conflicts == 0);
  CHECK(*b->CountPending() == 0);
  auto rows = b->List("delivered", 1000);
  REQUIRE(rows->size() == kJobs);
  for (const Delivery& d : *rows) CHECK(d.attempts == 1);
}
