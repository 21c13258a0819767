#include "jobs/job_processor.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <set>

#include "common/log.h"
#include "common/observe.h"

namespace edgepix {
namespace {

bool IsTransient(ErrorCode code) {
  return code == ErrorCode::kDiskFull || code == ErrorCode::kIoError ||
         code == ErrorCode::kUnavailable;
}

}  // namespace

nlohmann::json MetadataToJson(const image::ImageMetadata& m) {
  nlohmann::json j = nlohmann::json::object();
  j["taken_at"] = m.taken_at ? nlohmann::json(*m.taken_at) : nlohmann::json(nullptr);
  if (m.camera_make || m.camera_model) {
    j["camera"] = {{"make", m.camera_make ? nlohmann::json(*m.camera_make) : nullptr},
                   {"model", m.camera_model ? nlohmann::json(*m.camera_model) : nullptr}};
  } else {
    j["camera"] = nullptr;
  }
  j["gps"] = m.gps ? nlohmann::json{{"lat", m.gps->lat}, {"lon", m.gps->lon}} : nullptr;
  j["orientation"] = m.orientation;
  return j;
}

JobProcessor::JobProcessor(JobStore* store, BlobStore* blobs, JobNotifier* notifier,
                           ProcessorOptions options)
    : store_(store), blobs_(blobs), notifier_(notifier), options_(std::move(options)) {}

void JobProcessor::Interrupt() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    interrupted_ = true;
  }
  cv_.notify_all();
}

void JobProcessor::Backoff(int attempts) {
  int64_t ms = options_.retry_backoff_ms;
  for (int i = 1; i < attempts && ms < options_.max_retry_backoff_ms; ++i) ms *= 2;
  ms = std::min<int64_t>(ms, options_.max_retry_backoff_ms);
  if (ms <= 0) return;
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return interrupted_; });
}

void JobProcessor::Finish(const Result<Job>& updated, const std::string& id) {
  if (!updated.ok()) {
    if (updated.status().code() == ErrorCode::kNotFound) {
      // Deleted while processing: remove whatever this run wrote.
      blobs_->DeleteImage(id);
    } else {
      log::Error("cannot record the job's result: " + updated.status().ToString(), {{"id", id}});
    }
  }
  if (updated.ok())
    observe::JobChanged(id, JobStatusName(updated->status),
                        updated->error ? updated->error->code : "");
  notifier_->Notify(id);
}

void JobProcessor::FailOrRetry(const Job& job, const Status& st) {
  if (IsTransient(st.code()) && job.attempts < options_.max_attempts) {
    log::Warning("attempt failed, retrying: " + st.ToString(),
                 {{"id", job.id}, {"attempt", static_cast<int64_t>(job.attempts)}});
    Backoff(job.attempts);
    Finish(store_->MarkPending(job.id), job.id);
    return;
  }
  std::string message = st.message();
  if (IsTransient(st.code())) {
    message += " (after " + std::to_string(job.attempts) + " attempts)";
  }
  // Variants a failed attempt wrote are not served for a FAILED job.
  blobs_->DeleteVariants(job.id);
  Finish(store_->MarkFailed(job.id, JobError{ErrorCodeName(st.code()), message}), job.id);
}

bool JobProcessor::CompleteFromDuplicate(const Job& job) {
  if (!options_.dedup || job.original.sha256.empty()) return false;
  auto earlier = store_->FindCompletedBySha256(job.original.sha256);
  if (!earlier.ok() || !earlier->has_value() || (*earlier)->id == job.id) return false;
  const Job& source = **earlier;
  std::set<std::string> wanted, have;
  for (const auto& spec : options_.variants) wanted.insert(spec.name);
  for (const auto& v : source.variants) have.insert(v.name);
  if (wanted != have) return false;  // made with other settings: process afresh
  for (const auto& v : source.variants) {
    auto bytes = blobs_->ReadVariant(source.id, v.name);
    if (!bytes.ok()) return false;  // deleted meanwhile: process afresh
    Status st = blobs_->PutVariant(job.id, v.name, *bytes);
    if (!st.ok()) {
      FailOrRetry(job, st);
      return true;
    }
  }
  OriginalRecord original = source.original;
  original.bytes = job.original.bytes;
  Finish(store_->MarkCompleted(job.id, original, source.metadata, source.variants), job.id);
  return true;
}

void JobProcessor::Run(const Job& job) {
  observe::JobChanged(job.id, "PROCESSING");
  if (CompleteFromDuplicate(job)) return;
  auto bytes = blobs_->ReadOriginal(job.id);
  if (!bytes.ok()) {
    if (bytes.status().code() == ErrorCode::kNotFound) {
      // Original gone: either deleted meanwhile or lost; nothing to retry.
      Finish(store_->MarkFailed(job.id, JobError{"not_found", "the original is missing"}), job.id);
      return;
    }
    FailOrRetry(job, bytes.status());
    return;
  }
  // Each variant is stored as soon as it is encoded, smallest first, so the
  // thumb can be fetched before the large variant is done.
  std::vector<VariantRecord> records;
  Status store_error;
  image::PipelineOptions pipeline = options_.pipeline;
  pipeline.on_variant = [&](const image::VariantOutput& v) {
    if (!store_error.ok()) return;
    store_error = blobs_->PutVariant(job.id, v.name, v.webp);
    if (store_error.ok()) observe::VariantStored(v.name, v.webp.size());
  };
  const auto pipeline_start = std::chrono::steady_clock::now();
  auto result = image::ProcessImage(*bytes, options_.variants, pipeline);
  observe::PipelineRan(pipeline_start, result.ok(), result.ok() ? result->variants.size() : 0);
  if (!result.ok() || !store_error.ok()) {
    // Nothing of a failed attempt stays servable.
    blobs_->DeleteVariants(job.id);
    if (!store_error.ok()) return FailOrRetry(job, store_error);
    Finish(store_->MarkFailed(
               job.id, JobError{ErrorCodeName(result.status().code()), result.status().message()}),
           job.id);
    return;
  }
  for (const auto& v : result->variants) {
    records.push_back(VariantRecord{v.name, v.width, v.height, v.webp.size()});
  }
  OriginalRecord original = job.original;
  original.format = image::FormatName(result->original.format);
  original.width = result->original.width;
  original.height = result->original.height;
  Finish(store_->MarkCompleted(job.id, original, MetadataToJson(result->metadata), records),
         job.id);
}

}  // namespace edgepix
