#include "jobs/job_processor.h"

#include <algorithm>
#include <chrono>
#include <set>

#include "common/log.h"
#include "common/observe.h"

namespace edgepix {
namespace {

// Files of a deleted or failed job are never served (the job row decides what
// is): a failed removal leaves only unreachable bytes, so it is logged, not fatal.
void WarnIfNotRemoved(const Status& removed, const std::string& id) {
  if (!removed.ok()) log::Warning("cannot remove files: " + removed.ToString(), {{"id", id}});
}

bool IsTransient(ErrorCode code) {
  return code == ErrorCode::kDiskFull || code == ErrorCode::kIoError ||
         code == ErrorCode::kUnavailable;
}

}  // namespace

std::string VariantSpecKey(const std::vector<image::VariantSpec>& specs,
                           const image::PipelineOptions& pipeline) {
  std::string key = "webp;method=" + std::to_string(pipeline.webp_method);
  // What decides whether an animation stays one (a GIF of 40 frames is a still
  // under --max-frames 30, animated under 300).
  key += ";anim=" + std::string(pipeline.keep_animation ? "1" : "0") +
         ";max_frames=" + std::to_string(pipeline.max_frames) +
         ";animated_thumb=" + std::string(pipeline.animated_thumb ? "1" : "0");
  for (const auto& s : specs) {
    key += ";" + s.name + ":" + std::to_string(s.width) + "x" + std::to_string(s.height) + ":" +
           image::FitName(s.fit) + ":q" + std::to_string(s.quality);
  }
  return key;
}

JobProcessor::JobProcessor(JobStore* store, BlobStore* blobs, JobNotifier* notifier,
                           ProcessorOptions options)
    : store_(store),
      blobs_(blobs),
      notifier_(notifier),
      options_(std::move(options)),
      spec_key_(VariantSpecKey(options_.variants, options_.pipeline)) {}

bool JobProcessor::interrupted() {
  std::lock_guard<std::mutex> lock(mu_);
  return interrupted_;
}

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

void JobProcessor::Record(const std::string& id, const std::function<Result<Job>()>& write) {
  for (int attempt = 1;; ++attempt) {
    auto updated = write();
    const ErrorCode code = updated.ok() ? ErrorCode::kOk : updated.status().code();
    if (updated.ok() || code == ErrorCode::kNotFound || code == ErrorCode::kConflict ||
        !IsTransient(code) || interrupted()) {
      return Finish(updated, id);
    }
    log::Warning("cannot record the job's state, retrying: " + updated.status().ToString(),
                 {{"id", id}, {"attempt", static_cast<int64_t>(attempt)}});
    Backoff(attempt);
  }
}

void JobProcessor::Finish(const Result<Job>& updated, const std::string& id) {
  if (!updated.ok()) {
    if (updated.status().code() == ErrorCode::kNotFound) {
      // Deleted while processing: remove whatever this run wrote.
      WarnIfNotRemoved(blobs_->DeleteImage(id), id);
    } else if (updated.status().code() == ErrorCode::kConflict) {
      // The lease was lost (another node runs it now) or the job moved on:
      // nothing of this run is recorded, nothing of the other's touched.
      log::Warning("job left to another run: " + updated.status().ToString(), {{"id", id}});
    } else {
      log::Error("cannot record the job's result: " + updated.status().ToString(), {{"id", id}});
    }
  }
  if (updated.ok())
    observe::JobChanged(id, JobStatusName(updated->status),
                        updated->error ? updated->error->code : "");
  notifier_->Notify(id);
}

Status JobProcessor::PublishVariant(const std::string& id, const VariantRecord& record,
                                    const std::string& data, Published* published) {
  EDGEPIX_ASSIGN_OR_RETURN(
      auto staged, blobs_->StageVariant(id, record.name, data, VariantDurability::kDeferred));
  auto updated = store_->PublishVariant(id, record, [&] { return staged->Publish(); });
  if (!updated.ok()) return updated.status();
  published->push_back(std::move(staged));
  notifier_->Notify(id);
  return Status::Ok();
}

Status JobProcessor::MakeDurable(const Published& published) {
  for (const auto& staged : published) EDGEPIX_RETURN_IF_ERROR(staged->MakeDurable());
  return Status::Ok();
}

bool JobProcessor::DiscardAttempt(const Job& job) {
  Status claim = store_->CheckClaim(job.id);
  if (claim.code() == ErrorCode::kConflict || claim.code() == ErrorCode::kNotFound) {
    Finish(claim, job.id);
    return false;
  }
  // Variants a failed attempt wrote are not served: a retry makes them again.
  if (claim.ok()) WarnIfNotRemoved(blobs_->DeleteVariants(job.id), job.id);
  return true;
}

void JobProcessor::FailOrRetry(const Job& job, const Status& st) {
  if (st.code() == ErrorCode::kConflict) {
    Finish(st, job.id);  // the lease was lost: the job is another run's now
    return;
  }
  if (!DiscardAttempt(job)) return;
  if (IsTransient(st.code()) && job.attempts < options_.max_attempts) {
    log::Warning("attempt failed, retrying: " + st.ToString(),
                 {{"id", job.id}, {"attempt", static_cast<int64_t>(job.attempts)}});
    Backoff(job.attempts);
    Record(job.id, [&] { return store_->MarkPending(job.id); });
    return;
  }
  std::string message = st.message();
  if (IsTransient(st.code())) {
    message += " (after " + std::to_string(job.attempts) + " attempts)";
  }
  const JobError error{ErrorCodeName(st.code()), message};
  Record(job.id, [&] { return store_->MarkFailed(job.id, error); });
}

// Ends a run whose variants could not all be published.
void JobProcessor::PublishFailed(const Job& job, const Status& st) {
  if (st.code() == ErrorCode::kNotFound) {
    // Deleted while processing: nothing of it may stay.
    Finish(st, job.id);
    return;
  }
  FailOrRetry(job, st);
}

bool JobProcessor::CompleteFromDuplicate(const Job& job) {
  if (!options_.dedup || job.original.sha256.empty()) return false;
  auto earlier = store_->FindCompletedBySha256(job.original.sha256, spec_key_);
  if (!earlier.ok() || !earlier->has_value() || (*earlier)->id == job.id) return false;
  const Job& source = **earlier;
  std::set<std::string> wanted, have;
  for (const auto& spec : options_.variants) wanted.insert(spec.name);
  for (const auto& v : source.variants) have.insert(v.name);
  if (wanted != have) return false;            // incomplete: process afresh
  if (source.thumbhash.empty()) return false;  // completed before placeholders existed
  std::vector<std::pair<VariantRecord, std::string>> copies;
  for (const auto& v : source.variants) {
    auto bytes = blobs_->ReadVariant(source.id, v.name);
    if (!bytes.ok()) return false;  // deleted meanwhile: process afresh
    copies.emplace_back(v, std::move(*bytes));
  }
  Published published;
  for (const auto& [record, bytes] : copies) {
    Status st = PublishVariant(job.id, record, bytes, &published);
    if (!st.ok()) {
      PublishFailed(job, st);
      return true;
    }
  }
  if (Status st = MakeDurable(published); !st.ok()) {
    PublishFailed(job, st);
    return true;
  }
  OriginalRecord original = source.original;
  original.bytes = job.original.bytes;
  Record(job.id, [&] {
    return store_->MarkCompleted(job.id, original, source.metadata.value_or(image::ImageMetadata{}),
                                 source.variants, spec_key_, source.warnings, source.thumbhash);
  });
  return true;
}

void JobProcessor::Run(const Job& job) {
  observe::JobChanged(job.id, "PROCESSING");
  if (CompleteFromDuplicate(job)) return;
  auto bytes = blobs_->ReadOriginal(job.id);
  if (!bytes.ok()) {
    if (bytes.status().code() == ErrorCode::kNotFound) {
      // Original gone: either deleted meanwhile or lost; nothing to retry.
      const JobError error{ErrorCodeName(ErrorCode::kNotFound), "the original is missing"};
      Record(job.id, [&] { return store_->MarkFailed(job.id, error); });
      return;
    }
    FailOrRetry(job, bytes.status());
    return;
  }
  // Each variant is published as soon as it is encoded, smallest first, so the
  // thumb can be fetched (and is listed in the job) before the large one is done.
  Status store_error;
  Published published;
  image::PipelineOptions pipeline = options_.pipeline;
  pipeline.on_variant = [&](const image::VariantOutput& v) {
    if (!store_error.ok()) return;
    store_error = PublishVariant(job.id, VariantRecord{v.name, v.width, v.height, v.webp.size()},
                                 v.webp, &published);
    if (store_error.ok()) observe::VariantStored(v.name, v.webp.size());
  };
  const auto pipeline_start = std::chrono::steady_clock::now();
  auto result = image::ProcessImage(*bytes, options_.variants, pipeline);
  observe::PipelineRan(pipeline_start, result.ok(), result.ok() ? result->variants.size() : 0);
  if (!store_error.ok()) return PublishFailed(job, store_error);
  if (!result.ok()) {
    // Nothing of a failed attempt stays servable.
    if (!DiscardAttempt(job)) return;
    const JobError error{ErrorCodeName(result.status().code()), result.status().message()};
    Record(job.id, [&] { return store_->MarkFailed(job.id, error); });
    return;
  }
  if (Status st = MakeDurable(published); !st.ok()) return PublishFailed(job, st);
  std::vector<VariantRecord> records;
  for (const auto& v : result->variants) {
    records.push_back(VariantRecord{v.name, v.width, v.height, v.webp.size()});
  }
  OriginalRecord original = job.original;
  original.format = image::FormatName(result->original.format);
  original.width = result->original.width;
  original.height = result->original.height;
  Record(job.id, [&] {
    return store_->MarkCompleted(job.id, original, result->metadata, records, spec_key_,
                                 result->warnings, result->thumbhash);
  });
}

}  // namespace edgepix
