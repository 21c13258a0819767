// MigrateStores (jobs/migration.h) from a real SQLite store and a local blob
// store into a real PostgreSQL (started by the test) and a second local blob
// store: what is copied and checked per job, a job left PROCESSING, a
// variant missing in the source, a rerun. The end-to-end run with the binary,
// Ceph RGW and a node serving the result is tests/integration/migrate_test.cpp.
#include "jobs/migration.h"

#include <catch2/catch.hpp>

#include "jobs/sha256.h"
#include "storage/env.h"
#include "unit/jobs/store_fixtures.h"
#include "unit/support/skip.h"

using edgepix::BlobStore;
using edgepix::Job;
using edgepix::JobStatus;
using edgepix::JobStore;
using edgepix::VariantRecord;
using edgepix::testing::PgStore;
using edgepix::testing::TempDir;

namespace {

// An original of `bytes` in `blobs` and a PENDING job recording it.
void AddJob(JobStore& jobs, BlobStore& blobs, const std::string& id, const std::string& bytes) {
  auto writer = blobs.BeginOriginal(id);
  REQUIRE(writer.ok());
  REQUIRE((*writer)->Append(bytes.data(), bytes.size()).ok());
  REQUIRE((*writer)->Commit().ok());
  Job job;
  job.id = id;
  job.filename = id + ".jpg";
  job.original.bytes = bytes.size();
  job.original.format = "jpeg";
  job.original.sha256 = *edgepix::Sha256::Of(bytes);
  REQUIRE(jobs.Insert(job).ok());
}

}  // namespace

TEST_CASE("MigrateStores copies blobs before rows, settles PROCESSING jobs and reruns",
          "[pg][import][migrate]") {
  PgStore fx;
  if (const std::string why = fx.Unavailable(); !why.empty()) EDGEPIX_SKIP(why);
  auto target_jobs = fx.Open("migrate", false);
  TempDir dir;
  auto source_jobs = edgepix::OpenSqliteJobStore(dir.Join("jobs.db"));
  REQUIRE(source_jobs.ok());
  auto source_blobs = edgepix::OpenLocalBlobStore(edgepix::Env::Default(), dir.Join("from"));
  auto target_blobs = edgepix::OpenLocalBlobStore(edgepix::Env::Default(), dir.Join("to"));
  REQUIRE(source_blobs.ok());
  REQUIRE(target_blobs.ok());
  JobStore& jobs = **source_jobs;
  BlobStore& blobs = **source_blobs;

  // done: COMPLETED with two variants; running: PROCESSING with one variant
  // published before its node stopped; broken: COMPLETED, a variant missing.
  AddJob(jobs, blobs, "jobdone0001", std::string(3000, 'a'));
  AddJob(jobs, blobs, "jobrunning1", std::string(2000, 'b'));
  AddJob(jobs, blobs, "jobbroken01", std::string(1000, 'c'));
  const std::vector<VariantRecord> variants = {{"thumb", 10, 10, 4}, {"medium", 64, 48, 6}};
  REQUIRE((*jobs.ClaimNext())->id == "jobdone0001");
  REQUIRE(blobs.PutVariant("jobdone0001", "thumb", "tttt").ok());
  REQUIRE(blobs.PutVariant("jobdone0001", "medium", "mmmmmm").ok());
  Job done_original = *jobs.Get("jobdone0001");
  REQUIRE(
      jobs.MarkCompleted("jobdone0001", done_original.original, {}, variants, "k", {}, "th").ok());
  REQUIRE((*jobs.ClaimNext())->id == "jobrunning1");
  REQUIRE(blobs.PutVariant("jobrunning1", "thumb", "rrrr").ok());
  REQUIRE(
      jobs.PublishVariant("jobrunning1", variants[0], [] { return edgepix::Status::Ok(); }).ok());
  REQUIRE((*jobs.ClaimNext())->id == "jobbroken01");
  REQUIRE(blobs.PutVariant("jobbroken01", "thumb", "xxxx").ok());  // no medium
  Job broken_original = *jobs.Get("jobbroken01");
  REQUIRE(
      jobs.MarkCompleted("jobbroken01", broken_original.original, {}, variants, "k", {}, "").ok());

  edgepix::MigrationSource source;
  source.jobs = &jobs;
  source.blobs = &blobs;
  edgepix::MigrationTargets targets;
  targets.jobs = target_jobs.get();
  targets.blobs = target_blobs->get();
  std::vector<std::string> lines;
  edgepix::MigrationOptions options;
  options.progress = [&](const std::string& line) { lines.push_back(line); };

  auto report = edgepix::MigrateStores(source, targets, options);
  INFO(Catch::Detail::stringify(lines));
  CHECK_FALSE(report.verified());
  REQUIRE(report.problems.size() == 2);
  CHECK(report.problems[0].find("variant medium of jobbroken01 unreadable in the source") == 0);
  CHECK(report.problems[1] == "counts differ: 3 jobs in the source, 2 verified in the target");
  CHECK(report.jobs == 3);
  CHECK(report.jobs_imported == 2);
  CHECK(report.originals_copied == 3);
  CHECK(report.variants_copied == 3);  // done's two, broken's thumb; running's dropped

  // The broken job's row is not imported: its blobs are not all there.
  CHECK(target_jobs->Get("jobbroken01").status().code() == edgepix::ErrorCode::kNotFound);
  auto done = target_jobs->Get("jobdone0001");
  REQUIRE(done.ok());
  CHECK(edgepix::SameJob(*done, *jobs.Get("jobdone0001")));
  CHECK(*(*target_blobs)->ReadVariant("jobdone0001", "medium") == "mmmmmm");
  // The PROCESSING job: PENDING as after a restart, its variant dropped,
  // the interrupted attempt not counted, so a node of the target runs it.
  auto running = target_jobs->Get("jobrunning1");
  REQUIRE(running.ok());
  CHECK(running->status == JobStatus::kPending);
  CHECK(running->variants.empty());
  CHECK(running->attempts == 0);
  CHECK(running->version == jobs.Get("jobrunning1")->version + 1);
  CHECK((*target_blobs)->ReadVariant("jobrunning1", "thumb").status().code() ==
        edgepix::ErrorCode::kNotFound);
  auto claimed = target_jobs->ClaimNext();
  REQUIRE(claimed.ok());
  REQUIRE(*claimed);
  CHECK((*claimed)->id == "jobrunning1");
  REQUIRE(target_jobs->MarkPending("jobrunning1").ok());

  // The missing variant appears in the source; a rerun finishes the job and
  // leaves the rest as it is (the job changed in the target is not touched).
  REQUIRE(blobs.PutVariant("jobbroken01", "medium", "yyyyyy").ok());
  lines.clear();
  auto again = edgepix::MigrateStores(source, targets, options);
  INFO(Catch::Detail::stringify(lines));
  REQUIRE(again.problems.size() == 2);
  CHECK(again.problems[0].find("job jobrunning1 is already in the target with other contents") ==
        0);
  CHECK(again.problems[1] == "counts differ: 3 jobs in the source, 2 verified in the target");
  CHECK(again.jobs_imported == 1);
  CHECK(again.jobs_present == 1);
  CHECK(again.originals_copied == 0);
  CHECK(again.originals_present == 3);
  CHECK(again.variants_copied == 1);
  CHECK(again.variants_present == 3);
  CHECK(edgepix::SameJob(*target_jobs->Get("jobbroken01"), *jobs.Get("jobbroken01")));
}
