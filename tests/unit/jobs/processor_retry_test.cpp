// JobProcessor on a real pipeline: transient storage faults are retried a
// bounded number of times, then the job ends FAILED with its reason; identical
// bytes are not processed twice; a job deleted before it runs leaves nothing.
#include <webp/decode.h>

#include <catch2/catch.hpp>

#include "unit/jobs/processor_test_env.h"

using namespace edgepix;
using namespace edgepix::testing;

namespace {

bool IsWebp(const std::string& bytes, int* w = nullptr, int* h = nullptr) {
  int ww = 0, hh = 0;
  bool ok = WebPGetInfo(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), &ww, &hh);
  if (w) *w = ww;
  if (h) *h = hh;
  return ok;
}

Job Get(PipelineEnv& p, const std::string& id) {
  auto job = p.store->Get(id);
  REQUIRE(job.ok());
  return *job;
}

}  // namespace

TEST_CASE("processor: a failed variant write is retried and the job completes") {
  PipelineEnv p(3);
  auto job = p.Upload(MakeJpeg(800, 600));
  REQUIRE(job.ok());
  p.env.FailNth(FaultOp::kRename, 2, FaultKind::kDiskFull);  // the second variant's rename
  CHECK(p.Drain() == 2);
  Job done = Get(p, job->id);
  CHECK(done.status == JobStatus::kCompleted);
  CHECK(done.attempts == 2);
  REQUIRE(done.variants.size() == 3);
  for (const auto& v : done.variants) {
    auto bytes = p.blobs->ReadVariant(job->id, v.name);
    REQUIRE(bytes.ok());
    CHECK(IsWebp(*bytes));
  }
  // No temp file of the failed attempt is left.
  for (const auto& f : p.Files()) CHECK(f.find(".tmp-") == std::string::npos);
}

TEST_CASE("processor: every variant is fsync'd before COMPLETED, a failed fsync is retried") {
  PipelineEnv p(3);
  auto job = p.Upload(MakeJpeg(800, 600));
  REQUIRE(job.ok());
  const int syncs = p.env.Calls(FaultOp::kSync), renames = p.env.Calls(FaultOp::kRename);
  // Variants are published without an fsync: the first one the run makes is
  // the first variant's, after all three are visible. It fails: no COMPLETED.
  p.env.FailNth(FaultOp::kSync, 1);
  CHECK(p.Drain() == 2);
  Job done = Get(p, job->id);
  CHECK(done.status == JobStatus::kCompleted);
  CHECK(done.attempts == 2);
  REQUIRE(done.variants.size() == 3);
  // The failed attempt had renamed (published) all three before its fsync.
  CHECK(p.env.Calls(FaultOp::kRename) == renames + 3 + 3);
  // The failed attempt's one, then one per variant of the attempt that completed.
  CHECK(p.env.Calls(FaultOp::kSync) == syncs + 1 + 3);
}

TEST_CASE("processor: a disk that stays full ends the job FAILED after max_attempts") {
  PipelineEnv p(3);
  auto job = p.Upload(MakePng(300, 200));
  REQUIRE(job.ok());
  p.env.FailFrom(FaultOp::kCreate, 1, FaultKind::kDiskFull);
  CHECK(p.Drain() == 3);
  Job failed = Get(p, job->id);
  CHECK(failed.status == JobStatus::kFailed);
  CHECK(failed.attempts == 3);
  REQUIRE(failed.error.has_value());
  CHECK(failed.error->code == "disk_full");
  CHECK(failed.error->message.find("after 3 attempts") != std::string::npos);
  // Only the original is on disk.
  CHECK(p.Files().size() == 1);
}

TEST_CASE("processor: an undecodable image fails at once, without retries") {
  PipelineEnv p(3);
  // Cut inside the scan data: the header passes the upload's probe, the decode
  // fails ("Premature end of JPEG file"), which no retry can cure.
  auto job = p.Upload(MakeJpeg(640, 480).substr(0, 700));
  REQUIRE(job.ok());
  CHECK(p.Drain() == 1);
  Job done = Get(p, job->id);
  CHECK(done.attempts == 1);
  CHECK(done.status == JobStatus::kFailed);
  REQUIRE(done.error.has_value());
  CHECK(done.error->code == "undecodable");
}

TEST_CASE("processor: identical bytes are not decoded again, the variants are reused") {
  PipelineEnv p(3);
  const std::string jpeg = MakeJpeg(640, 480);
  auto first = p.Upload(jpeg, "a.jpg");
  REQUIRE(first.ok());
  CHECK(p.Drain() == 1);
  auto second = p.Upload(jpeg, "b.jpg");
  REQUIRE(second.ok());
  CHECK(second->id != first->id);
  CHECK(second->original.sha256 == first->original.sha256);
  // Spoil the stored original of the second upload: were it decoded, it would fail.
  WriteFileOrDie(p.data() + "/originals/" + second->id.substr(0, 2) + "/" + second->id,
                 "not an image at all");
  CHECK(p.Drain() == 1);
  Job a = Get(p, first->id), b = Get(p, second->id);
  REQUIRE(b.status == JobStatus::kCompleted);
  CHECK(b.filename == "b.jpg");
  REQUIRE(b.variants.size() == a.variants.size());
  for (size_t i = 0; i < a.variants.size(); ++i) {
    CHECK(b.variants[i].name == a.variants[i].name);
    auto va = p.blobs->ReadVariant(a.id, a.variants[i].name);
    auto vb = p.blobs->ReadVariant(b.id, b.variants[i].name);
    REQUIRE(va.ok());
    REQUIRE(vb.ok());
    CHECK(*va == *vb);
  }
  // Deleting the first image does not take the second one's variants with it.
  REQUIRE(p.store->Delete(a.id).ok());
  REQUIRE(p.blobs->DeleteImage(a.id).ok());
  CHECK(p.blobs->ReadVariant(b.id, "thumb").ok());
}

TEST_CASE("processor: a job deleted after it was claimed leaves no file behind") {
  PipelineEnv p(3);
  auto job = p.Upload(MakeJpeg(640, 480));
  REQUIRE(job.ok());
  auto claimed = p.store->ClaimNext();
  REQUIRE(claimed.ok());
  REQUIRE(claimed->has_value());
  // DELETE /api/images/{id} as the route does it: row first, then the files.
  REQUIRE(p.store->Delete(job->id).ok());
  REQUIRE(p.blobs->DeleteImage(job->id).ok());
  p.processor->Run(**claimed);
  CHECK(p.Files().empty());
  CHECK(p.JobCount() == 0);
}
