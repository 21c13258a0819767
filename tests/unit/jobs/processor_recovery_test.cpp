// Startup recovery and retention on a real SQLite file and a real blob store:
// interrupted jobs run again, a job interrupted max_attempts times while it ran
// alone ends FAILED as poison while its neighbours of a crash do not, orphaned
// files and crash temp files go, old images are deleted.
#include <catch2/catch.hpp>
#include <filesystem>

#include "jobs/retention.h"
#include "jobs/startup_recovery.h"
#include "unit/jobs/processor_test_env.h"

using namespace edgepix;
using namespace edgepix::testing;

TEST_CASE("recovery: a job interrupted max_attempts times ends FAILED as poison") {
  PipelineEnv p(3);
  auto job = p.Upload(MakePng(64, 48));
  REQUIRE(job.ok());
  for (int crash = 1; crash <= 3; ++crash) {
    // A worker claims it and the process dies before it finishes.
    auto claimed = p.store->ClaimNext();
    REQUIRE(claimed.ok());
    REQUIRE(claimed->has_value());
    CHECK((*claimed)->attempts == crash);
    auto report = RecoverAtStart(p.store.get(), p.blobs.get(), 3);
    REQUIRE(report.ok());
    auto now = p.store->Get(job->id);
    REQUIRE(now.ok());
    if (crash < 3) {
      CHECK(report->requeued == 1);
      CHECK(now->status == JobStatus::kPending);
    } else {
      CHECK(report->poisoned == 1);
      CHECK(report->requeued == 0);
      CHECK(now->status == JobStatus::kFailed);
      REQUIRE(now->error.has_value());
      CHECK(now->error->code == "poison");
    }
  }
  // The queue goes on with other work.
  auto other = p.Upload(MakePng(64, 48, true));
  REQUIRE(other.ok());
  CHECK(p.Drain() == 1);
  CHECK(p.store->Get(other->id)->status == JobStatus::kCompleted);
}

// Claims what two workers would hold at once (a suspect runs alone).
std::vector<Job> ClaimUpToTwo(PipelineEnv& p) {
  std::vector<Job> running;
  for (int i = 0; i < 2; ++i) {
    auto claimed = p.store->ClaimNext();
    REQUIRE(claimed.ok());
    if (claimed->has_value()) running.push_back(**claimed);
  }
  return running;
}

TEST_CASE("recovery: five crashes beside other jobs leave no innocent job poison") {
  PipelineEnv p(2);
  std::vector<std::string> ids;
  for (int i = 0; i < 12; ++i) {
    auto job = p.Upload(MakeJpeg(64 + i, 48));
    REQUIRE(job.ok());
    ids.push_back(job->id);
  }
  for (int crash = 0; crash < 5; ++crash) {
    // Two workers are busy when the process is killed; their jobs never finish.
    auto running = ClaimUpToTwo(p);
    REQUIRE(running.size() == 2);
    auto report = RecoverAtStart(p.store.get(), p.blobs.get(), 2);
    REQUIRE(report.ok());
    CHECK(report->poisoned == 0);
    CHECK(report->requeued == 2);
  }
  p.Drain();
  for (const std::string& id : ids) {
    auto job = p.store->Get(id);
    REQUIRE(job.ok());
    CHECK(job->status == JobStatus::kCompleted);
  }
}

TEST_CASE("recovery: a job that crashes the process whenever it runs still ends poison") {
  PipelineEnv p(2);
  auto culprit = p.Upload(MakePng(40, 30));
  REQUIRE(culprit.ok());
  std::vector<std::string> others;
  for (int i = 0; i < 4; ++i) others.push_back(p.Upload(MakeJpeg(64 + i, 48))->id);
  // Runs the queue like two workers; the culprit "crashes the process" as soon
  // as it is claimed, taking whatever runs beside it down too.
  int crashes = 0;
  for (int round = 0; round < 20; ++round) {
    auto running = ClaimUpToTwo(p);
    if (running.empty()) break;
    bool crashed = false;
    for (const Job& j : running) crashed |= j.id == culprit->id;
    if (!crashed) {
      for (const Job& j : running) p.processor->Run(j);
      continue;
    }
    ++crashes;
    REQUIRE(RecoverAtStart(p.store.get(), p.blobs.get(), 2).ok());
  }
  auto now = p.store->Get(culprit->id);
  REQUIRE(now.ok());
  CHECK(now->status == JobStatus::kFailed);
  REQUIRE(now->error.has_value());
  CHECK(now->error->code == "poison");
  CHECK(crashes <= 3);  // one beside a neighbour, then two alone
  for (const std::string& id : others) CHECK(p.store->Get(id)->status == JobStatus::kCompleted);
}

TEST_CASE("recovery: orphaned originals, variants and temp files are removed") {
  PipelineEnv p(3);
  auto kept = p.Upload(MakeJpeg(320, 240));
  REQUIRE(kept.ok());
  p.Drain();
  const size_t kept_files = p.Files().size();  // original + 3 variants

  // An original renamed into place whose row was never committed (crash).
  const std::string orphan = NewJobId();
  auto writer = p.blobs->BeginOriginal(orphan);
  REQUIRE(writer.ok());
  REQUIRE((*writer)->Append("abcdef", 6).ok());
  REQUIRE((*writer)->Commit().ok());
  // Variants of an image whose row was deleted just before a crash.
  const std::string deleted = NewJobId();
  REQUIRE(p.blobs->PutVariant(deleted, "thumb", "RIFF....WEBP").ok());
  // Half-written temp files.
  WriteFileOrDie(p.data() + "/tmp/" + NewJobId() + ".x.part", "half");
  WriteFileOrDie(p.data() + "/variants/" + kept->id + "/thumb.webp.tmp-abc", "half");
  CHECK(p.Files().size() == kept_files + 4);

  auto report = RecoverAtStart(p.store.get(), p.blobs.get(), 3);
  REQUIRE(report.ok());
  CHECK(report->orphans_removed == 2);
  CHECK(p.Files().size() == kept_files);
  CHECK(p.blobs->ReadOriginal(kept->id).ok());
  CHECK(p.blobs->ReadVariant(kept->id, "thumb").ok());
  CHECK_FALSE(std::filesystem::exists(p.data() + "/variants/" + deleted));
}

TEST_CASE("retention: images created before the cutoff are deleted with their files") {
  PipelineEnv p(3);
  Job old;
  old.id = NewJobId();
  old.filename = "old.png";
  old.created_at = old.updated_at = "2020-01-01T00:00:00.000Z";
  old.original.sha256 = std::string(64, 'b');
  std::string png = MakePng(32, 32);
  auto writer = p.blobs->BeginOriginal(old.id);
  REQUIRE(writer.ok());
  REQUIRE((*writer)->Append(png.data(), png.size()).ok());
  REQUIRE((*writer)->Commit().ok());
  REQUIRE(p.store->Insert(old).ok());
  auto fresh = p.Upload(MakePng(32, 32, true));
  REQUIRE(fresh.ok());
  p.Drain();

  auto deleted =
      DeleteImagesOlderThan(p.store.get(), p.blobs.get(), &p.notifier, std::chrono::hours(24));
  REQUIRE(deleted.ok());
  CHECK(*deleted == 1);
  CHECK(p.store->Get(old.id).status().code() == ErrorCode::kNotFound);
  CHECK(p.blobs->ReadOriginal(old.id).status().code() == ErrorCode::kNotFound);
  CHECK(p.store->Get(fresh->id).ok());
  CHECK(p.blobs->ReadVariant(fresh->id, "thumb").ok());
}

TEST_CASE("retention: durations parse, nonsense is refused") {
  CHECK(ParseRetention("7d").value() == std::chrono::hours(24 * 7));
  CHECK(ParseRetention("12h").value() == std::chrono::hours(12));
  CHECK(ParseRetention("30m").value() == std::chrono::minutes(30));
  CHECK(ParseRetention("2s").value() == std::chrono::seconds(2));
  CHECK(ParseRetention("90").value() == std::chrono::seconds(90));
  CHECK(ParseRetention("2w").value() == std::chrono::hours(24 * 14));
  for (const char* bad : {"", "d", "7x", "0d", "-1d", "7dd", "1.5d"}) {
    INFO(bad);
    CHECK(ParseRetention(bad).status().code() == ErrorCode::kBadRequest);
  }
}
