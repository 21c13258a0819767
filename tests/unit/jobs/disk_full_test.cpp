// A full disk on a real pipeline: concurrent uploads cannot together eat into
// the --min-free-mb margin (each request reserves its declared size), a job
// whose state write fails is retried until the write lands instead of staying
// PROCESSING until a restart, and start-up recovery that cannot write yet is
// retried while the workers wait.
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <future>

#include "jobs/startup_recovery.h"
#include "jobs/worker_pool.h"
#include "unit/jobs/processor_test_env.h"

using namespace edgepix;
using namespace edgepix::testing;

namespace {

constexpr uint64_t kMiB = 1ull << 20;

// The real SQLite store, with its state writes failing (as on a full disk)
// while `failures_left` is above zero.
class FullDiskJobStore : public JobStore {
 public:
  explicit FullDiskJobStore(JobStore* real) : real_(real) {}
  int failures_left = 0;  // state writes
  int failed = 0;
  std::atomic<int> requeue_failures_left{0};

  Status Insert(const Job& job) override { return real_->Insert(job); }
  Result<Job> Get(const std::string& id) override { return real_->Get(id); }
  Result<JobListPage> List(const JobListQuery& q) override { return real_->List(q); }
  Result<std::optional<Job>> ClaimNext() override { return real_->ClaimNext(); }
  Result<Job> PublishVariant(const std::string& id, const VariantRecord& v,
                             const std::function<Status()>& publish) override {
    return real_->PublishVariant(id, v, publish);
  }
  Result<Job> MarkCompleted(const std::string& id, const OriginalRecord& original,
                            const edgepix::image::ImageMetadata& metadata,
                            const std::vector<VariantRecord>& variants, const std::string& spec_key,
                            const std::vector<std::string>& warnings,
                            const std::string& thumbhash) override {
    if (Full()) return Status::Error(ErrorCode::kDiskFull, "database or disk is full");
    return real_->MarkCompleted(id, original, metadata, variants, spec_key, warnings, thumbhash);
  }
  Result<Job> MarkFailed(const std::string& id, const JobError& error) override {
    if (Full()) return Status::Error(ErrorCode::kDiskFull, "database or disk is full");
    return real_->MarkFailed(id, error);
  }
  Result<Job> MarkPending(const std::string& id) override {
    if (Full()) return Status::Error(ErrorCode::kDiskFull, "database or disk is full");
    return real_->MarkPending(id);
  }
  Result<InterruptedJobs> RequeueInterrupted(int max_attempts) override {
    if (requeue_failures_left.fetch_sub(1) > 0) {
      return Status::Error(ErrorCode::kDiskFull, "database or disk is full");
    }
    return real_->RequeueInterrupted(max_attempts);
  }
  Status Delete(const std::string& id) override { return real_->Delete(id); }
  Result<int64_t> CountByStatus(JobStatus s) override { return real_->CountByStatus(s); }
  Result<std::vector<std::string>> ListIdsCreatedBefore(const std::string& t, int n) override {
    return real_->ListIdsCreatedBefore(t, n);
  }
  Result<std::optional<Job>> FindCompletedBySha256(const std::string& sha,
                                                   const std::string& key) override {
    return real_->FindCompletedBySha256(sha, key);
  }
  Status CheckWritable() override { return real_->CheckWritable(); }

 private:
  bool Full() {
    if (failures_left <= 0) return false;
    --failures_left;
    ++failed;
    return true;
  }
  JobStore* real_;
};

}  // namespace

TEST_CASE("disk full: concurrent requests cannot together take the free-space margin") {
  PipelineEnv p;
  IntakeOptions options;
  options.min_free_bytes = 64 * kMiB;
  Intake intake(p.store.get(), p.blobs.get(), options);
  p.env.SetFreeBytes(100 * kMiB);
  // Two 20 MB uploads at once would leave 60 MB: the second is refused.
  auto first = intake.Reserve(20 * kMiB);
  REQUIRE(first.ok());
  auto second = intake.Reserve(20 * kMiB);
  CHECK(second.status().code() == ErrorCode::kDiskFull);
  // Smaller ones still fit beside the first.
  auto small = intake.Reserve(16 * kMiB);
  CHECK(small.ok());
  // Once the first request ends, its room is available again.
  first->reset();
  CHECK(intake.Reserve(20 * kMiB).ok());
}

TEST_CASE("disk full: a job whose state write fails is retried until it lands") {
  PipelineEnv p;
  FullDiskJobStore store(p.store.get());
  ProcessorOptions po;
  po.retry_backoff_ms = 1;
  po.max_retry_backoff_ms = 1;
  JobProcessor processor(&store, p.blobs.get(), &p.notifier, po);

  auto ok = p.Upload(MakeJpeg(320, 240));
  REQUIRE(ok.ok());
  // Its original lost: the job ends FAILED, a state write too.
  auto broken = p.Upload(MakePng(64, 48));
  REQUIRE(broken.ok());
  std::filesystem::remove(p.data() + "/originals/" + broken->id.substr(0, 2) + "/" + broken->id);

  for (const std::string& id : {ok->id, broken->id}) {
    INFO(id);
    auto claimed = store.ClaimNext();
    REQUIRE(claimed.ok());
    REQUIRE(claimed->has_value());
    REQUIRE((*claimed)->id == id);
    store.failures_left = 3;
    store.failed = 0;
    processor.Run(**claimed);
    CHECK(store.failed == 3);
    auto job = p.store->Get(id);
    REQUIRE(job.ok());
    // Not stuck PROCESSING: the COMPLETED / FAILED write went through.
    CHECK(IsTerminal(job->status));
  }
  CHECK(p.store->Get(ok->id)->status == JobStatus::kCompleted);
  CHECK(p.store->Get(broken->id)->status == JobStatus::kFailed);
}

TEST_CASE("disk full: start-up requeue that cannot write is retried, the workers held until then") {
  PipelineEnv p;
  FullDiskJobStore store(p.store.get());
  auto interrupted = p.Upload(MakeJpeg(320, 240));
  REQUIRE(interrupted.ok());
  auto claimed = store.ClaimNext();  // left PROCESSING, as by a kill -9
  REQUIRE(claimed.ok());
  REQUIRE(claimed->has_value());
  auto waiting = p.Upload(MakeJpeg(160, 120));
  REQUIRE(waiting.ok());

  store.requeue_failures_left = 3;  // the first attempt and two retries
  auto first = RecoverAtStart(&store, p.blobs.get(), 5);
  REQUIRE_FALSE(first.ok());
  CHECK(first.status().code() == ErrorCode::kDiskFull);

  WorkerPool pool(&store, p.processor.get(), 1, 0, /*held=*/true);
  std::promise<std::pair<JobStatus, JobStatus>> at_release;
  DeferredRequeue retry(
      &store, p.blobs.get(), 5, std::chrono::milliseconds(50), [&](const RecoveryReport& report) {
        CHECK(report.requeued == 1);
        // Held: nothing was claimed while the requeue waited.
        at_release.set_value(
            {p.store->Get(interrupted->id)->status, p.store->Get(waiting->id)->status});
        pool.Release();
      });
  auto released = at_release.get_future();
  REQUIRE(released.wait_for(std::chrono::seconds(30)) == std::future_status::ready);
  const auto [first_status, second_status] = released.get();
  CHECK(first_status == JobStatus::kPending);
  CHECK(second_status == JobStatus::kPending);
  CHECK(store.requeue_failures_left.load() < 0);  // every planned failure was met

  // Released: both jobs are processed.
  for (const std::string& id : {interrupted->id, waiting->id}) {
    INFO(id);
    bool done = false;
    for (int i = 0; i < 300 && !done; ++i) {
      auto sub = p.notifier.Subscribe(id);
      auto job = p.store->Get(id);
      REQUIRE(job.ok());
      done = job->status == JobStatus::kCompleted;
      if (!done) sub->WaitFor(std::chrono::milliseconds(100));
    }
    CHECK(done);
  }
  pool.Stop();
}
