// SweepOrphans (jobs/orphan_sweep.h): an image no job references is removed
// only once its newest object is older than the grace; a job's image never.
#include "jobs/orphan_sweep.h"

#include <catch2/catch.hpp>

#include "unit/jobs/processor_test_env.h"

using namespace edgepix;
using namespace edgepix::testing;

TEST_CASE("SweepOrphans removes an image without a job only past the grace", "[orphans]") {
  PipelineEnv p;
  auto job = p.Upload(MakeJpeg(64, 48));
  REQUIRE(job.ok());
  // An original written with no job committed (an upload in flight elsewhere).
  const std::string orphan = "orphan00000000000000000001";
  auto writer = p.blobs->BeginOriginal(orphan);
  REQUIRE(writer.ok());
  REQUIRE((*writer)->Append("xyz", 3).ok());
  REQUIRE((*writer)->Commit().ok());
  REQUIRE(p.blobs->PutVariant(orphan, "thumb", "webp").ok());

  auto images = p.blobs->ListImages();
  REQUIRE(images.ok());
  REQUIRE(images->size() == 2);
  int64_t newest = 0;
  for (const auto& image : *images) {
    CHECK(image.newest > 0);
    if (image.id == orphan) newest = image.newest;
  }

  // Inside the grace: kept, and counted as young.
  auto young = SweepOrphans(p.store.get(), p.blobs.get(), 3600, newest + 10);
  REQUIRE(young.ok());
  CHECK(young->removed == 0);
  CHECK(young->young == 1);
  CHECK(p.blobs->ReadOriginal(orphan).ok());

  // Past it: removed with its variants; the job's image stays.
  auto old = SweepOrphans(p.store.get(), p.blobs.get(), 3600, newest + 3601);
  REQUIRE(old.ok());
  CHECK(old->removed == 1);
  CHECK(old->young == 0);
  CHECK(p.blobs->ReadOriginal(orphan).status().code() == ErrorCode::kNotFound);
  CHECK(p.blobs->ReadVariant(orphan, "thumb").status().code() == ErrorCode::kNotFound);
  CHECK(p.blobs->ReadOriginal(job->id).ok());
}

TEST_CASE("SweepOrphans keeps an image whose age cannot be read", "[orphans]") {
  PipelineEnv p;
  const std::string orphan = "orphan00000000000000000002";
  auto writer = p.blobs->BeginOriginal(orphan);
  REQUIRE(writer.ok());
  REQUIRE((*writer)->Append("xyz", 3).ok());
  REQUIRE((*writer)->Commit().ok());

  // Every stat fails (EIO, not ENOENT): no age is known, so none is guessed.
  p.env.FailFrom(FaultOp::kStat, 1);
  auto swept = SweepOrphans(p.store.get(), p.blobs.get(), 3600, int64_t{1} << 40);
  p.env.ClearFaults();
  REQUIRE(swept.ok());
  CHECK(swept->removed == 0);
  CHECK(swept->young == 1);
  CHECK(p.blobs->ReadOriginal(orphan).ok());
}
