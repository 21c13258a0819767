#include "jobs/job_processor.h"

#include <cstdio>

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

void JobProcessor::Finish(const Result<Job>& updated, const std::string& id) {
  if (!updated.ok()) {
    if (updated.status().code() == ErrorCode::kNotFound) {
      // Deleted while processing: remove whatever this run wrote.
      blobs_->DeleteImage(id);
    } else {
      std::fprintf(stderr, "job %s: cannot record result: %s\n", id.c_str(),
                   updated.status().ToString().c_str());
    }
  }
  notifier_->Notify(id);
}

void JobProcessor::Run(const Job& job) {
  auto fail_or_retry = [&](const Status& st) {
    if (IsTransient(st.code()) && job.attempts < options_.max_attempts) {
      Finish(store_->MarkPending(job.id), job.id);
    } else {
      Finish(store_->MarkFailed(job.id, JobError{ErrorCodeName(st.code()), st.message()}), job.id);
    }
  };

  auto bytes = blobs_->ReadOriginal(job.id);
  if (!bytes.ok()) {
    if (bytes.status().code() == ErrorCode::kNotFound) {
      // Original gone: either deleted meanwhile or lost; nothing to retry.
      Finish(store_->MarkFailed(job.id, JobError{"not_found", "the original is missing"}), job.id);
      return;
    }
    fail_or_retry(bytes.status());
    return;
  }
  auto result = image::ProcessImage(*bytes, options_.variants, options_.pipeline);
  if (!result.ok()) {
    Finish(store_->MarkFailed(
               job.id, JobError{ErrorCodeName(result.status().code()), result.status().message()}),
           job.id);
    return;
  }
  std::vector<VariantRecord> records;
  for (const auto& v : result->variants) {
    Status st = blobs_->PutVariant(job.id, v.name, v.webp);
    if (!st.ok()) {
      fail_or_retry(st);
      return;
    }
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
