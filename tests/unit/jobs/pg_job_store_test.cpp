// What the PostgreSQL job store adds for several nodes: leases and their
// reclaim, NOTIFY across nodes, migrations raced by nodes starting together,
// a database restart under a running store. On a real PostgreSQL the test
// starts (skipped when it is not installed).
#include "jobs/pg_job_store.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <mutex>
#include <thread>

#include "jobs/job_notifier.h"
#include "jobs/pg_change_listener.h"
#include "jobs/startup_recovery.h"
#include "storage/blob_store.h"
#include "storage/env.h"
#include "unit/jobs/store_fixtures.h"
#include "unit/support/fixtures.h"
#include "unit/support/sample_job.h"
#include "unit/support/skip.h"

using edgepix::testing::SampleJob;

using edgepix::ErrorCode;
using edgepix::Job;
using edgepix::JobStatus;
using edgepix::JobStore;
using edgepix::testing::PgStore;
using namespace std::chrono_literals;

namespace {

// Polls `store` until job `id` has `status` or 30 s pass (a wait, not a
// timing assertion: the lease is short, the deadline generous).
bool WaitForStatus(JobStore* store, const std::string& id, JobStatus status) {
  auto deadline = std::chrono::steady_clock::now() + 30s;
  while (std::chrono::steady_clock::now() < deadline) {
    auto job = store->Get(id);
    if (job.ok() && job->status == status) return true;
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

// A blob store that runs `before_delete_variants` (once) when
// DeleteVariants is first called, then forwards everything to `inner`: what
// another node does between a commit and the delete that follows it.
class InterleavingBlobStore : public edgepix::BlobStore {
 public:
  using Status = edgepix::Status;
  template <typename T>
  using Result = edgepix::Result<T>;
  explicit InterleavingBlobStore(edgepix::BlobStore* inner) : inner_(inner) {}
  std::function<void(const std::string& id)> before_delete_variants;

  Result<std::unique_ptr<edgepix::BlobWriter>> BeginOriginal(const std::string& id) override {
    return inner_->BeginOriginal(id);
  }
  Result<std::string> ReadOriginal(const std::string& id) override {
    return inner_->ReadOriginal(id);
  }
  Result<std::unique_ptr<edgepix::BlobReader>> OpenOriginal(const std::string& id) override {
    return inner_->OpenOriginal(id);
  }
  Status PutVariant(const std::string& id, const std::string& name,
                    const std::string& data) override {
    return inner_->PutVariant(id, name, data);
  }
  Result<std::unique_ptr<edgepix::StagedVariant>> StageVariant(
      const std::string& id, const std::string& name, const std::string& data,
      edgepix::VariantDurability durability) override {
    return inner_->StageVariant(id, name, data, durability);
  }
  Result<std::string> ReadVariant(const std::string& id, const std::string& name) override {
    return inner_->ReadVariant(id, name);
  }
  Status DeleteImage(const std::string& id) override { return inner_->DeleteImage(id); }
  Status DeleteVariants(const std::string& id) override {
    if (auto before = std::move(before_delete_variants)) {
      before_delete_variants = nullptr;
      before(id);
    }
    return inner_->DeleteVariants(id);
  }
  Status RemoveStaleTempFiles() override { return inner_->RemoveStaleTempFiles(); }
  Result<std::vector<std::string>> ListImageIds() override { return inner_->ListImageIds(); }
  Result<std::vector<edgepix::StoredImage>> ListImages() override { return inner_->ListImages(); }
  Result<uint64_t> FreeBytes() override { return inner_->FreeBytes(); }
  Status CheckWritable() override { return inner_->CheckWritable(); }

 private:
  edgepix::BlobStore* inner_;
};

}  // namespace

TEST_CASE("PostgreSQL: a stopped node's jobs are reclaimed by another after the lease",
          "[pg][lease]") {
  PgStore fx;
  if (const std::string why = fx.Unavailable(); !why.empty()) EDGEPIX_SKIP(why);
  auto a = fx.Open("node-a", false, 1s);  // no heartbeat: its leases run out
  auto b = fx.Open("node-b", true, 1s);
  for (const char* id : {"j1", "j2", "j3"}) REQUIRE(a->Insert(SampleJob(id)).ok());
  REQUIRE((*a->ClaimNext())->id == "j1");
  REQUIRE((*a->ClaimNext())->id == "j2");
  REQUIRE((*b->ClaimNext())->id == "j3");  // b renews its own lease

  // Two jobs interrupted together: neither is blamed, both become suspects.
  REQUIRE(WaitForStatus(b.get(), "j1", JobStatus::kPending));
  REQUIRE(WaitForStatus(b.get(), "j2", JobStatus::kPending));
  for (const char* id : {"j1", "j2"}) {
    auto job = b->Get(id);
    CHECK(job->attempts == 0);
    CHECK(job->suspect);
    CHECK(job->version == 3);
  }
  // b's job kept its lease all along.
  CHECK(b->Get("j3")->status == JobStatus::kProcessing);
  // The node that lost its leases can no longer finish those jobs, even
  // once another node holds them again.
  CHECK(a->MarkCompleted("j1", {}, {}, {}, "k", {}, {}).status().code() == ErrorCode::kConflict);
  REQUIRE(b->MarkCompleted("j3", {}, {}, {}, "k", {}, {}).ok());
  auto again = b->ClaimNext();
  REQUIRE(again.ok());
  REQUIRE(again->has_value());
  CHECK((*again)->id == "j1");
  CHECK(a->MarkCompleted("j1", {}, {}, {}, "k", {}, {}).status().code() == ErrorCode::kConflict);
  CHECK(b->Get("j1")->status == JobStatus::kProcessing);
  // A suspect runs alone, across nodes too.
  CHECK_FALSE(a->ClaimNext()->has_value());
}

TEST_CASE(
    "PostgreSQL: a node back from a stall past its lease cannot fail, retry or finish the "
    "job another node reclaimed",
    "[pg][lease]") {
  PgStore fx;
  if (const std::string why = fx.Unavailable(); !why.empty()) EDGEPIX_SKIP(why);
  auto a = fx.Open("node-a", false, 1s);  // stalled: no heartbeat, its lease runs out
  auto b = fx.Open("node-b", true, 1s);
  REQUIRE(a->Insert(SampleJob("s1")).ok());
  REQUIRE((*a->ClaimNext())->id == "s1");
  CHECK(a->CheckClaim("s1").ok());
  REQUIRE(WaitForStatus(b.get(), "s1", JobStatus::kPending));
  const int64_t version = b->Get("s1")->version;
  // Reclaimed and waiting: PENDING -> FAILED is allowed in general, not for
  // the node that lost the job.
  CHECK(a->CheckClaim("s1").code() == ErrorCode::kConflict);
  CHECK(a->MarkFailed("s1", {"io_error", "late"}).status().code() == ErrorCode::kConflict);
  CHECK(a->MarkPending("s1").status().code() == ErrorCode::kConflict);
  CHECK(a->MarkCompleted("s1", {}, {}, {}, "k", {}, {}).status().code() == ErrorCode::kConflict);
  CHECK(b->Get("s1")->status == JobStatus::kPending);
  CHECK(b->Get("s1")->version == version);
  // Claimed again by b: still refused to a, allowed to b.
  REQUIRE((*b->ClaimNext())->id == "s1");
  CHECK(a->CheckClaim("s1").code() == ErrorCode::kConflict);
  CHECK(a->MarkFailed("s1", {"io_error", "late"}).status().code() == ErrorCode::kConflict);
  bool published = false;
  CHECK(a->PublishVariant("s1", {"thumb", 1, 1, 1},
                          [&] {
                            published = true;
                            return edgepix::Status::Ok();
                          })
            .status()
            .code() == ErrorCode::kConflict);
  CHECK_FALSE(published);
  CHECK(b->CheckClaim("s1").ok());
  REQUIRE(b->MarkCompleted("s1", {}, {}, {}, "k", {}, {}).ok());
  CHECK(a->MarkFailed("s1", {"io_error", "late"}).status().code() == ErrorCode::kConflict);
  CHECK(b->Get("s1")->status == JobStatus::kCompleted);
  // The worker's log says what happened: finished elsewhere, not requeued.
  const std::string lost = a->CheckClaim("s1").message();
  INFO(lost);
  CHECK(lost.find("is COMPLETED, finished by another run") != std::string::npos);
  CHECK(lost.find("again") == std::string::npos);
  // A job refused before any processing may still end FAILED from PENDING.
  REQUIRE(a->Insert(SampleJob("s2")).ok());
  CHECK(a->MarkFailed("s2", {"too_many_pixels", "no"}).ok());
}

TEST_CASE("PostgreSQL: a job a node ran alone counts against it, and ends poison", "[pg][lease]") {
  PgStore fx;
  if (const std::string why = fx.Unavailable(); !why.empty()) EDGEPIX_SKIP(why);
  auto b = fx.Open("node-b", true, 1s);
  REQUIRE(b->Insert(SampleJob("p1")).ok());
  for (int attempt = 1; attempt <= 2; ++attempt) {
    auto a = fx.Open("node-a-" + std::to_string(attempt), false, 1s);
    auto claimed = a->ClaimNext();
    REQUIRE(claimed.ok());
    REQUIRE(claimed->has_value());
    CHECK((*claimed)->attempts == attempt);
    // node a "dies" here (the store closes; its lease is never renewed).
    a.reset();
    // Reclaimed by b's heartbeat (max_attempts 5): pending again, the
    // attempt counted (it was the only job node a ran).
    REQUIRE(WaitForStatus(b.get(), "p1", JobStatus::kPending));
    CHECK(b->Get("p1")->attempts == attempt);
    CHECK_FALSE(b->Get("p1")->suspect);
  }
  // At start, a node's own earlier jobs are requeued at once, by the same
  // rule: alone at max_attempts, poison.
  {
    auto a = fx.Open("node-c", false, 30s);
    REQUIRE((*a->ClaimNext())->id == "p1");
  }
  auto restarted = fx.Open("node-c", false, 30s);
  auto out = restarted->RequeueInterrupted(3);
  REQUIRE(out.ok());
  CHECK(out->poisoned == std::vector<std::string>{"p1"});
  auto job = restarted->Get("p1");
  CHECK(job->status == JobStatus::kFailed);
  CHECK(job->error->code == "poison");
  auto events = restarted->EventsAfter(0, 10);
  REQUIRE(events->size() == 1);
  CHECK((*events)[0].kind == edgepix::JobEventKind::kFailed);
}

TEST_CASE("PostgreSQL: jobs a heartbeat reclaim ends poison are handed to after_poisoned",
          "[pg][lease]") {
  PgStore fx;
  if (const std::string why = fx.Unavailable(); !why.empty()) EDGEPIX_SKIP(why);
  std::mutex mu;
  std::vector<std::string> handed;
  edgepix::PgStoreHooks hooks;
  hooks.after_poisoned = [&](const std::vector<std::string>& ids) {
    std::lock_guard<std::mutex> lock(mu);
    handed.insert(handed.end(), ids.begin(), ids.end());
  };
  edgepix::PgJobStoreOptions options;
  options.url = fx.url;
  options.node_id = "node-b";
  options.lease = 1s;
  options.max_attempts = 1;  // one interrupted run alone: poison
  auto b = edgepix::OpenPgStores(options, hooks);
  REQUIRE(b.ok());
  REQUIRE(b->jobs->Insert(SampleJob("q1")).ok());
  {
    auto a = fx.Open("node-a", false, 1s);  // claims, then stops renewing
    auto claimed = a->ClaimNext();
    REQUIRE(claimed.ok());
    REQUIRE(claimed->has_value());
  }
  REQUIRE(WaitForStatus(b->jobs.get(), "q1", JobStatus::kFailed));
  CHECK(b->jobs->Get("q1")->error->code == "poison");
  // Handed over after the commit, on the heartbeat thread: wait for it.
  auto deadline = std::chrono::steady_clock::now() + 30s;
  while (std::chrono::steady_clock::now() < deadline) {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (!handed.empty()) break;
    }
    std::this_thread::sleep_for(20ms);
  }
  std::lock_guard<std::mutex> lock(mu);
  CHECK(handed == std::vector<std::string>{"q1"});
}

TEST_CASE("PostgreSQL: a change made on one node wakes a waiter on another", "[pg][notify]") {
  PgStore fx;
  if (const std::string why = fx.Unavailable(); !why.empty()) EDGEPIX_SKIP(why);
  auto a = fx.Open("node-a", false);
  auto b = fx.Open("node-b", false);
  REQUIRE(a->Insert(SampleJob("n1")).ok());
  edgepix::JobNotifier notifier;  // node a's
  std::atomic<int> rechecks{0};
  edgepix::PgChangeListener listener(
      fx.url, [&](const std::string& key) { notifier.Notify(key); },
      [&] {
        ++rechecks;
        notifier.NotifyAll();
      },
      1h);
  // The listener is connected once it has run its first re-check.
  for (int i = 0; i < 600 && rechecks.load() == 0; ++i) std::this_thread::sleep_for(50ms);
  REQUIRE(rechecks.load() == 1);
  auto job_sub = notifier.Subscribe("n1");
  auto events_sub = notifier.Subscribe(edgepix::kJobEventsTopic);
  auto other_sub = notifier.Subscribe("someone-else");
  REQUIRE((*b->ClaimNext())->id == "n1");
  CHECK(job_sub->WaitFor(30s));
  REQUIRE(b->MarkCompleted("n1", {}, {}, {}, "k", {}, {}).ok());
  CHECK(job_sub->WaitFor(30s));
  CHECK(events_sub->WaitFor(30s));
  CHECK_FALSE(other_sub->WaitFor(0ms));

  SECTION("a database restart: the store reconnects, the listener re-checks") {
    fx.cluster->Stop();
    CHECK(b->Get("n1").status().code() == ErrorCode::kUnavailable);
    fx.cluster->Start();
    // One lost connection per pooled connection is retried on a fresh one.
    auto got = b->Get("n1");
    INFO(got.status().ToString());
    REQUIRE(got.ok());
    CHECK(got->status == JobStatus::kCompleted);
    REQUIRE(b->Insert(SampleJob("n2")).ok());
    for (int i = 0; i < 600 && rechecks.load() < 2; ++i) std::this_thread::sleep_for(50ms);
    CHECK(rechecks.load() == 2);
    CHECK(job_sub->WaitFor(30s));  // the re-check woke every waiter
    auto n2 = notifier.Subscribe("n2");
    REQUIRE((*a->ClaimNext())->id == "n2");
    CHECK(n2->WaitFor(30s));
  }
}

TEST_CASE("PostgreSQL: nodes starting together migrate the schema once", "[pg][migration]") {
  PgStore fx;
  if (const std::string why = fx.Unavailable(); !why.empty()) EDGEPIX_SKIP(why);
  std::vector<std::thread> nodes;
  std::atomic<int> opened{0};
  for (int i = 0; i < 4; ++i) {
    nodes.emplace_back([&, i] {
      edgepix::PgJobStoreOptions options;
      options.url = fx.url;
      options.node_id = "node-" + std::to_string(i);
      options.heartbeat = false;
      if (edgepix::OpenPgJobStore(options).ok()) ++opened;
    });
  }
  for (auto& t : nodes) t.join();
  CHECK(opened.load() == 4);
  auto store = fx.Open();
  REQUIRE(store->Insert(SampleJob("m1")).ok());
  // A database from a newer edgepix is refused, not used.
  fx.Exec("INSERT INTO edgepix_schema (version) VALUES (999)");
  edgepix::PgJobStoreOptions options;
  options.url = fx.url;
  auto newer = edgepix::OpenPgJobStore(options);
  REQUIRE_FALSE(newer.ok());
  CHECK(newer.status().message().find("newer") != std::string::npos);
}

TEST_CASE("PostgreSQL: another node's change to a running job leaves its lease alone",
          "[pg][lease]") {
  PgStore fx;
  if (const std::string why = fx.Unavailable(); !why.empty()) EDGEPIX_SKIP(why);
  auto a = fx.Open("node-a", false);
  auto b = fx.Open("node-b", false);
  REQUIRE(a->Insert(SampleJob("m1")).ok());
  REQUIRE((*a->ClaimNext())->id == "m1");
  // The owner hides it through node b while node a processes it.
  REQUIRE(b->SetModeration("m1", edgepix::Moderation::kHidden).ok());
  CHECK(fx.cluster->Query("SELECT leased_by FROM jobs WHERE id = 'm1'", fx.database) == "node-a");
  auto published =
      a->PublishVariant("m1", {"thumb", 1, 1, 1}, [] { return edgepix::Status::Ok(); });
  INFO(published.status().ToString());
  REQUIRE(published.ok());
  // Node b never held it: it cannot finish it.
  CHECK(b->MarkFailed("m1", {"x", "y"}).status().code() == ErrorCode::kConflict);
  REQUIRE(a->MarkCompleted("m1", {}, {}, {}, "k", {}, {}).ok());
  CHECK(fx.cluster->Query("SELECT leased_by FROM jobs WHERE id = 'm1'", fx.database).empty());
}

TEST_CASE(
    "PostgreSQL: a node restarting requeues its jobs without deleting the variants another node "
    "publishes for them meanwhile",
    "[pg][lease][startup]") {
  PgStore fx;
  if (const std::string why = fx.Unavailable(); !why.empty()) EDGEPIX_SKIP(why);
  edgepix::testing::TempDir dir;
  auto local = edgepix::OpenLocalBlobStore(edgepix::Env::Default(), dir.Join("data"));
  REQUIRE(local.ok());
  InterleavingBlobStore blobs(local->get());
  const std::string kId = "restart0000000000000000r1";
  {
    auto a = fx.Open("node-a", false, 30s);
    REQUIRE(a->Insert(SampleJob(kId)).ok());
    REQUIRE((*a->ClaimNext())->id == kId);
    // node a is killed while it runs r1.
  }
  auto b = fx.Open("node-b", false, 30s);
  // node b runs r1 as soon as the requeue commits (woken by its NOTIFY):
  // here, should recovery reach a delete of r1's variants, just before it.
  auto run_on_b = [&] {
    auto claimed = b->ClaimNext();
    REQUIRE(claimed.ok());
    REQUIRE(claimed->has_value());
    REQUIRE((*claimed)->id == kId);
    auto published = b->PublishVariant(
        kId, {"thumb", 1, 1, 3}, [&] { return local->get()->PutVariant(kId, "thumb", "b's"); });
    INFO(published.status().ToString());
    REQUIRE(published.ok());
  };
  bool ran = false;
  blobs.before_delete_variants = [&](const std::string&) {
    run_on_b();
    ran = true;
  };
  auto restarted = fx.Open("node-a", false, 30s);
  auto report = edgepix::RecoverSharedAtStart(restarted.get(), &blobs, 5, 3600, false);
  REQUIRE(report.ok());
  CHECK(report->requeued == 1);
  if (!ran) run_on_b();
  REQUIRE(b->MarkCompleted(kId, {}, {}, {{"thumb", 1, 1, 3}}, "k", {}, {}).ok());
  // COMPLETED lists the thumb: it must be there.
  auto thumb = local->get()->ReadVariant(kId, "thumb");
  INFO(thumb.status().ToString());
  REQUIRE(thumb.ok());
  CHECK(*thumb == "b's");
}
