#include "jobs/timed_job_store.h"

#include <chrono>

#include "common/metrics.h"

namespace edgepix {
namespace {

metrics::Family& StoreLatency() {
  static metrics::Family& family = metrics::Registry::Default().Histogram(
      "edgepix_job_store_seconds", "Job store call latency (one transaction, retries included)",
      {"store", "op"},
      {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5});
  return family;
}

class TimedJobStore : public JobStore {
 public:
  TimedJobStore(std::unique_ptr<JobStore> inner, std::string label)
      : inner_(std::move(inner)), label_(std::move(label)) {}

  Status Insert(const Job& job) override {
    return Timed("insert", [&] { return inner_->Insert(job); });
  }
  Status InsertWithGrant(const Job& job, const std::string& grant_id) override {
    return Timed("insert_with_grant", [&] { return inner_->InsertWithGrant(job, grant_id); });
  }
  Result<Job> Get(const std::string& id) override {
    return Timed("get", [&] { return inner_->Get(id); });
  }
  Result<std::vector<JobEvent>> EventsAfter(int64_t after, int limit) override {
    return Timed("events_after", [&] { return inner_->EventsAfter(after, limit); });
  }
  Result<int64_t> LastEventSeq() override {
    return Timed("last_event_seq", [&] { return inner_->LastEventSeq(); });
  }
  Result<JobListPage> List(const JobListQuery& query) override {
    return Timed("list", [&] { return inner_->List(query); });
  }
  Result<std::optional<Job>> ClaimNext() override {
    return Timed("claim_next", [&] { return inner_->ClaimNext(); });
  }
  Result<Job> PublishVariant(const std::string& id, const VariantRecord& variant,
                             const std::function<Status()>& publish) override {
    return Timed("publish_variant", [&] { return inner_->PublishVariant(id, variant, publish); });
  }
  Result<Job> MarkCompleted(const std::string& id, const OriginalRecord& original,
                            const image::ImageMetadata& metadata,
                            const std::vector<VariantRecord>& variants, const std::string& spec_key,
                            const std::vector<std::string>& warnings,
                            const std::string& thumbhash) override {
    return Timed("mark_completed", [&] {
      return inner_->MarkCompleted(id, original, metadata, variants, spec_key, warnings, thumbhash);
    });
  }
  Result<Job> MarkFailed(const std::string& id, const JobError& error) override {
    return Timed("mark_failed", [&] { return inner_->MarkFailed(id, error); });
  }
  Result<Job> MarkPending(const std::string& id) override {
    return Timed("mark_pending", [&] { return inner_->MarkPending(id); });
  }
  Status CheckClaim(const std::string& id) override {
    return Timed("check_claim", [&] { return inner_->CheckClaim(id); });
  }
  Result<InterruptedJobs> RequeueInterrupted(int max_attempts) override {
    return Timed("requeue_interrupted", [&] { return inner_->RequeueInterrupted(max_attempts); });
  }
  Result<Job> SetModeration(const std::string& id, Moderation moderation) override {
    return Timed("set_moderation", [&] { return inner_->SetModeration(id, moderation); });
  }
  Status Delete(const std::string& id) override {
    return Timed("delete", [&] { return inner_->Delete(id); });
  }
  Result<int64_t> CountByStatus(JobStatus status) override {
    return Timed("count_by_status", [&] { return inner_->CountByStatus(status); });
  }
  Result<std::vector<std::string>> ListIdsCreatedBefore(const std::string& iso_time,
                                                        int limit) override {
    return Timed("list_ids_created_before",
                 [&] { return inner_->ListIdsCreatedBefore(iso_time, limit); });
  }
  Result<std::optional<Job>> FindCompletedBySha256(const std::string& sha256,
                                                   const std::string& spec_key) override {
    return Timed("find_completed_by_sha256",
                 [&] { return inner_->FindCompletedBySha256(sha256, spec_key); });
  }
  Status Import(const Job& job) override {
    return Timed("import", [&] { return inner_->Import(job); });
  }
  Status ImportEvent(const JobEvent& event) override {
    return Timed("import_event", [&] { return inner_->ImportEvent(event); });
  }
  Status CheckWritable() override {
    return Timed("check_writable", [&] { return inner_->CheckWritable(); });
  }

 private:
  template <typename Fn>
  auto Timed(const char* op, Fn&& fn) -> decltype(fn()) {
    const auto start = std::chrono::steady_clock::now();
    auto result = fn();
    StoreLatency().Observe(
        {label_, op},
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    return result;
  }

  std::unique_ptr<JobStore> inner_;
  const std::string label_;
};

}  // namespace

std::unique_ptr<JobStore> NewTimedJobStore(std::unique_ptr<JobStore> inner,
                                           const std::string& store_label) {
  return std::make_unique<TimedJobStore>(std::move(inner), store_label);
}

}  // namespace edgepix
