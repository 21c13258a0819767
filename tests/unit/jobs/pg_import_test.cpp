// JobStore::Import and ImportEvent on the PostgreSQL store (what `edgepix
// migrate` writes with): a job is written exactly as given, an existing id is
// a conflict that changes nothing, a PROCESSING job is refused, and imported
// events keep their seqs with later ones continuing above them; batches and
// grants keep every field. On a real PostgreSQL the test starts (skipped when
// it is not installed).
#include <catch2/catch.hpp>

#include "jobs/batch_store.h"
#include "jobs/grant_store.h"
#include "jobs/migration.h"
#include "jobs/pg_job_store.h"
#include "unit/jobs/store_fixtures.h"
#include "unit/support/skip.h"

using edgepix::ErrorCode;
using edgepix::Job;
using edgepix::JobEvent;
using edgepix::JobEventKind;
using edgepix::JobStatus;
using edgepix::testing::PgStore;

namespace {

Job CompletedJob(const std::string& id) {
  Job job;
  job.id = id;
  job.status = JobStatus::kCompleted;
  job.version = 7;
  job.filename = id + ".jpg";
  job.created_at = "2026-11-25T02:37:09.123Z";
  job.updated_at = "2026-11-25T02:37:11.456Z";
  job.original = {12345, "jpeg", 640, 480, std::string(64, 'b')};
  job.variants = {{"thumb", 150, 150, 900}, {"medium", 640, 480, 20000}};
  job.warnings = {"Premature end of JPEG file"};
  job.thumbhash = std::string("\x01\x02\x00\x03", 4);
  job.attempts = 2;
  job.spec_key = "spec";
  job.batch_id = "Bsomebatch";
  job.uploader = "guest-1";
  job.moderation = edgepix::Moderation::kHidden;
  return job;
}

}  // namespace

TEST_CASE("PostgreSQL: Import writes a job as it is, ImportEvent keeps seqs", "[pg][import]") {
  PgStore fx;
  if (const std::string why = fx.Unavailable(); !why.empty()) EDGEPIX_SKIP(why);
  auto store = fx.Open("migrate", false, std::chrono::seconds(30));

  const Job job = CompletedJob("j1");
  REQUIRE(store->Import(job).ok());
  auto got = store->Get("j1");
  REQUIRE(got.ok());
  CHECK(edgepix::SameJob(*got, job));
  CHECK(got->version == 7);
  CHECK(got->batch_id == "Bsomebatch");  // kept unchecked: this store keeps no batches

  // An existing id: kConflict, the row unchanged.
  Job other = job;
  other.version = 9;
  auto again = store->Import(other);
  CHECK(again.code() == ErrorCode::kConflict);
  CHECK(store->Get("j1")->version == 7);
  CHECK_FALSE(edgepix::SameJob(*store->Get("j1"), other));

  Job running = CompletedJob("j2");
  running.status = JobStatus::kProcessing;
  CHECK(store->Import(running).code() == ErrorCode::kBadRequest);
  CHECK(store->Get("j2").status().code() == ErrorCode::kNotFound);

  // Events under their own seqs (a gap included); the same event twice is
  // fine, a different one under a taken seq is a conflict.
  JobEvent e1{3, JobEventKind::kCompleted, "j1", "2026-11-25T02:37:11.456Z"};
  JobEvent e2{5, JobEventKind::kHidden, "j1", "2026-11-25T02:40:00.000Z"};
  REQUIRE(store->ImportEvent(e1).ok());
  REQUIRE(store->ImportEvent(e2).ok());
  CHECK(store->ImportEvent(e1).ok());
  JobEvent clash = e1;
  clash.job_id = "j9";
  CHECK(store->ImportEvent(clash).code() == ErrorCode::kConflict);
  CHECK(*store->LastEventSeq() == 5);

  // New events continue above the imported ones.
  Job fresh;
  fresh.id = "j3";
  fresh.original.sha256 = std::string(64, 'c');
  REQUIRE(store->Insert(fresh).ok());
  auto claimed = store->ClaimNext();
  REQUIRE(claimed.ok());
  REQUIRE(*claimed);
  REQUIRE(store->MarkFailed("j3", {"undecodable", "no"}).ok());
  auto events = store->EventsAfter(0, 10);
  REQUIRE(events.ok());
  REQUIRE(events->size() == 3);
  CHECK((*events)[0].seq == 3);
  CHECK((*events)[1].seq == 5);
  CHECK((*events)[2].seq == 6);
  CHECK((*events)[2].job_id == "j3");
}

TEST_CASE("PostgreSQL: batches and upload grants are imported as they are", "[pg][import]") {
  PgStore fx;
  if (const std::string why = fx.Unavailable(); !why.empty()) EDGEPIX_SKIP(why);
  fx.Open().reset();  // makes the database and its schema
  edgepix::PgJobStoreOptions options;
  options.url = fx.url;
  options.heartbeat = false;
  auto stores = edgepix::OpenPgStores(options);
  REQUIRE(stores.ok());

  edgepix::Batch batch;
  batch.id = "Bimported";
  batch.status = edgepix::BatchStatus::kPartial;
  batch.version = 6;
  batch.counts = {3, 0, 0, 2, 1};
  batch.metadata = {{"album", "x"}};
  batch.created_at = "2026-11-25T02:37:09.123Z";
  batch.updated_at = "2026-11-25T02:38:00.000Z";
  batch.closed_at = "2026-11-25T02:37:30.000Z";
  REQUIRE(stores->batches->Import(batch).ok());
  auto got = stores->batches->Get("Bimported");
  REQUIRE(got.ok());
  CHECK(got->status == edgepix::BatchStatus::kPartial);
  CHECK(got->version == 6);
  CHECK(got->counts == batch.counts);
  CHECK(got->metadata == batch.metadata);
  CHECK(got->closed_at == batch.closed_at);
  CHECK(stores->batches->Import(batch).code() == ErrorCode::kConflict);

  edgepix::UploadGrant used{"Gused", "Bimported", 1000, 4102444800, "2026-11-25T02:37:10.000Z",
                            "j1"};
  edgepix::UploadGrant fresh{"Gfresh", "", 0, 4102444800, "", ""};
  REQUIRE(stores->grants->Import(used).ok());
  REQUIRE(stores->grants->Import(fresh).ok());
  CHECK(stores->grants->Import(fresh).code() == ErrorCode::kConflict);
  auto g = stores->grants->Get("Gused");
  REQUIRE(g.ok());
  CHECK(g->used_at == used.used_at);
  CHECK(g->job_id == "j1");
  CHECK(g->max_bytes == 1000);
  // An imported unused grant is used up by an upload like any other.
  Job job;
  job.id = "j2";
  job.original.sha256 = std::string(64, 'd');
  REQUIRE(stores->jobs->InsertWithGrant(job, "Gfresh").ok());
  CHECK(stores->grants->Get("Gfresh")->job_id == "j2");
}
