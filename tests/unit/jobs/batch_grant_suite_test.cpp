// The BatchStore and GrantStore promises (jobs/batch_store.h,
// jobs/grant_store.h), checked against each implementation
// (unit/jobs/store_fixtures.h); the SQLite store's hooks are tested in
// batch_store_test.cpp.
#include <atomic>
#include <catch2/catch.hpp>
#include <thread>
#include <vector>

#include "unit/jobs/store_fixtures.h"
#include "unit/support/sample_job.h"
#include "unit/support/skip.h"

using edgepix::testing::SampleJob;

using namespace edgepix;
using edgepix::testing::PgStore;
using edgepix::testing::SqliteStore;

namespace {

void Claim(JobStore* jobs, const std::string& id) {
  auto claimed = jobs->ClaimNext();
  REQUIRE(claimed.ok());
  REQUIRE(claimed->has_value());
  REQUIRE((*claimed)->id == id);
}

}  // namespace

TEMPLATE_TEST_CASE("Batch counts follow their jobs in the same transaction, a batch ends once",
                   "[store][batch]", SqliteStore, PgStore) {
  EDGEPIX_STORE_FIXTURE(fx);
  auto s = fx.OpenAll();
  NewBatch request;
  request.metadata = {{"album", "x"}};
  auto batch = s.batches->Create(request);
  REQUIRE(batch.ok());
  CHECK(batch->status == BatchStatus::kOpen);
  CHECK(batch->version == 1);
  const std::string id = batch->id;
  REQUIRE(s.jobs->Insert(SampleJob("jobAAAAAAAA1", id)).ok());
  REQUIRE(s.jobs->Insert(SampleJob("jobAAAAAAAA2", id)).ok());
  CHECK(s.jobs->Insert(SampleJob("jobAAAAAAAA3", "noSuchBatch1")).code() == ErrorCode::kNotFound);
  CHECK(s.jobs->Get("jobAAAAAAAA3").status().code() == ErrorCode::kNotFound);
  auto b = s.batches->Get(id);
  REQUIRE(b.ok());
  CHECK(b->counts.total == 2);
  CHECK(b->counts.pending == 2);
  CHECK(b->status == BatchStatus::kOpen);
  CHECK(b->version == 3);
  CHECK(b->metadata["album"] == "x");

  auto closed = s.batches->Close(id);
  REQUIRE(closed.ok());
  CHECK(closed->status == BatchStatus::kProcessing);
  CHECK_FALSE(closed->closed_at.empty());
  CHECK(s.batches->Close(id)->version == closed->version);  // closed once
  CHECK(s.jobs->Insert(SampleJob("jobAAAAAAAA4", id)).code() == ErrorCode::kBatchClosed);
  Claim(s.jobs.get(), "jobAAAAAAAA1");
  CHECK(s.batches->Get(id)->counts.processing == 1);
  REQUIRE(s.jobs->MarkCompleted("jobAAAAAAAA1", {}, {}, {}, "k", {}, {}).ok());
  Claim(s.jobs.get(), "jobAAAAAAAA2");
  REQUIRE(s.jobs->MarkFailed("jobAAAAAAAA2", {"undecodable", "bad"}).ok());
  b = s.batches->Get(id);
  CHECK(b->status == BatchStatus::kPartial);
  CHECK(b->counts.completed == 1);
  CHECK(b->counts.failed == 1);
  // Deleting a job updates the counts; the terminal status stays.
  REQUIRE(s.jobs->Delete("jobAAAAAAAA2").ok());
  b = s.batches->Get(id);
  CHECK(b->status == BatchStatus::kPartial);
  CHECK(b->counts.total == 1);
  CHECK(s.batches->JobIds(id, 10).value() == std::vector<std::string>{"jobAAAAAAAA1"});
  // A batch is deleted only once it has no job left.
  CHECK(s.batches->Delete(id).code() == ErrorCode::kConflict);
  REQUIRE(s.jobs->Delete("jobAAAAAAAA1").ok());
  REQUIRE(s.batches->Delete(id).ok());
  CHECK(s.batches->Get(id).status().code() == ErrorCode::kNotFound);
  CHECK(s.batches->Delete(id).code() == ErrorCode::kNotFound);
}

TEMPLATE_TEST_CASE("Batches list newest first and expire open", "[store][batch]", SqliteStore,
                   PgStore) {
  EDGEPIX_STORE_FIXTURE(fx);
  auto s = fx.OpenAll();
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(s.batches->Create({})->id);
  BatchListQuery q;
  q.limit = 2;
  auto p1 = s.batches->List(q);
  REQUIRE(p1.ok());
  REQUIRE(p1->batches.size() == 2);
  CHECK(p1->batches[0].id == ids[2]);
  CHECK(p1->batches[1].id == ids[1]);
  q.cursor = p1->next;
  auto p2 = s.batches->List(q);
  REQUIRE(p2->batches.size() == 1);
  CHECK(p2->batches[0].id == ids[0]);
  CHECK(p2->next.empty());
  q.cursor = "x";
  CHECK(s.batches->List(q).status().code() == ErrorCode::kBadRequest);
  // An empty batch closed for age is COMPLETED at once.
  auto expired = s.batches->CloseCreatedBefore("9999-01-01T00:00:00.000Z", 2);
  REQUIRE(expired.ok());
  CHECK(expired->size() == 2);
  CHECK(s.batches->Get(ids[0])->status == BatchStatus::kCompleted);
  BatchListQuery open;
  open.status = BatchStatus::kOpen;
  CHECK(s.batches->List(open)->batches.size() == 1);
}

TEMPLATE_TEST_CASE("An upload grant is used once, and a released one can be used again",
                   "[store][grant]", SqliteStore, PgStore) {
  EDGEPIX_STORE_FIXTURE(fx);
  auto s = fx.OpenAll();
  UploadGrant g;
  g.id = "grantAAAAAAA1";
  g.expires_at = 4102444800;
  REQUIRE(s.grants->Create({g}).ok());
  REQUIRE(s.jobs->InsertWithGrant(SampleJob("jobCCCCCCCC1", ""), g.id).ok());
  auto second = s.jobs->InsertWithGrant(SampleJob("jobCCCCCCCC2", ""), g.id);
  CHECK(second.code() == ErrorCode::kGrantInvalid);
  CHECK(s.jobs->Get("jobCCCCCCCC2").status().code() == ErrorCode::kNotFound);
  CHECK(s.grants->Get(g.id)->job_id == "jobCCCCCCCC1");
  CHECK_FALSE(s.grants->Get(g.id)->used_at.empty());
  CHECK(s.jobs->InsertWithGrant(SampleJob("jobCCCCCCCC4", ""), "grantNOPE").code() ==
        ErrorCode::kGrantInvalid);
  REQUIRE(s.grants->Release(g.id, "jobCCCCCCCC1").ok());
  CHECK(s.jobs->InsertWithGrant(SampleJob("jobCCCCCCCC3", ""), g.id).ok());

  UploadGrant in_batch;
  in_batch.id = "grantAAAAAAA2";
  in_batch.expires_at = 100;
  in_batch.batch_id = "noSuchBatch1";
  CHECK(s.grants->Create({in_batch}).code() == ErrorCode::kNotFound);
  in_batch.batch_id = s.batches->Create({})->id;
  REQUIRE(s.batches->Close(in_batch.batch_id).ok());
  CHECK(s.grants->Create({in_batch}).code() == ErrorCode::kBatchClosed);
  in_batch.batch_id.clear();
  REQUIRE(s.grants->Create({in_batch}).ok());
  CHECK(s.grants->DeleteExpiredBefore(200).value() == 1);
  CHECK(s.grants->Get(in_batch.id).status().code() == ErrorCode::kNotFound);
}

TEST_CASE("PostgreSQL: two nodes finishing one batch's jobs at once leave the right counts",
          "[pg][batch]") {
  PgStore fx;
  if (const std::string why = fx.Unavailable(); !why.empty()) EDGEPIX_SKIP(why);
  auto a = fx.OpenAll("node-a");
  auto b = fx.OpenAll("node-b");
  const std::string id = a.batches->Create({})->id;
  constexpr int kJobs = 40;
  for (int i = 0; i < kJobs; ++i) {
    REQUIRE(a.jobs->Insert(SampleJob("job" + std::to_string(1000 + i), id)).ok());
  }
  REQUIRE(a.batches->Close(id).ok());
  std::atomic<int> done{0}, errors{0};
  auto node = [&](JobStore* jobs) {
    for (;;) {
      auto claimed = jobs->ClaimNext();
      if (!claimed.ok()) {
        ++errors;
        return;
      }
      if (!claimed->has_value()) return;
      if (!jobs->MarkCompleted((*claimed)->id, {}, {}, {}, "k", {}, {}).ok()) ++errors;
      ++done;
    }
  };
  std::thread ta(node, a.jobs.get()), tb(node, b.jobs.get());
  ta.join();
  tb.join();
  CHECK(errors.load() == 0);
  CHECK(done.load() == kJobs);
  auto batch = b.batches->Get(id);
  REQUIRE(batch.ok());
  CHECK(batch->status == BatchStatus::kCompleted);
  CHECK(batch->counts.completed == kJobs);
  CHECK(batch->counts.processing == 0);
  CHECK(batch->counts.total == kJobs);
}
