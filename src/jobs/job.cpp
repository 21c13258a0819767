// Job state machine, timestamps and the API's JSON shape of a job.
#include "jobs/job.h"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace edgepix {

const char* JobStatusName(JobStatus s) {
  switch (s) {
    case JobStatus::kPending:
      return "PENDING";
    case JobStatus::kProcessing:
      return "PROCESSING";
    case JobStatus::kCompleted:
      return "COMPLETED";
    case JobStatus::kFailed:
      return "FAILED";
  }
  return "UNKNOWN";
}

std::optional<JobStatus> ParseJobStatus(const std::string& name) {
  for (JobStatus s :
       {JobStatus::kPending, JobStatus::kProcessing, JobStatus::kCompleted, JobStatus::kFailed}) {
    if (name == JobStatusName(s)) return s;
  }
  return std::nullopt;
}

bool IsTerminal(JobStatus s) { return s == JobStatus::kCompleted || s == JobStatus::kFailed; }

bool IsAllowedTransition(JobStatus from, JobStatus to) {
  switch (from) {
    case JobStatus::kPending:
      // FAILED straight from PENDING: a job refused before any processing.
      return to == JobStatus::kProcessing || to == JobStatus::kFailed;
    case JobStatus::kProcessing:
      return to == JobStatus::kCompleted || to == JobStatus::kFailed || to == JobStatus::kPending;
    case JobStatus::kCompleted:
    case JobStatus::kFailed:
      return false;
  }
  return false;
}

std::string NowIso8601() { return Iso8601(std::chrono::system_clock::now()); }

std::string Iso8601(std::chrono::system_clock::time_point when) {
  using namespace std::chrono;
  const auto ms = duration_cast<milliseconds>(when.time_since_epoch()).count() % 1000;
  const std::time_t secs = system_clock::to_time_t(when);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

namespace {

// Unknown facts (0 or "") are null rather than a misleading zero.
nlohmann::json OrNull(int v) { return v > 0 ? nlohmann::json(v) : nlohmann::json(nullptr); }
nlohmann::json OrNull(const std::string& v) {
  return v.empty() ? nlohmann::json(nullptr) : nlohmann::json(v);
}

}  // namespace

nlohmann::json JobToJson(const Job& job) {
  nlohmann::json original = {
      {"url", "/o/" + job.id},
      {"bytes", job.original.bytes},
      {"format", OrNull(job.original.format)},
      {"width", OrNull(job.original.width)},
      {"height", OrNull(job.original.height)},
      {"sha256", OrNull(job.original.sha256)},
  };
  nlohmann::json variants = nlohmann::json::array();
  for (const VariantRecord& v : job.variants) {
    variants.push_back({{"name", v.name},
                        {"url", "/v/" + job.id + "/" + v.name + ".webp"},
                        {"width", v.width},
                        {"height", v.height},
                        {"bytes", v.bytes}});
  }
  nlohmann::json error = nullptr;
  if (job.error) error = {{"code", job.error->code}, {"message", job.error->message}};

  return {
      {"id", job.id},
      {"status", JobStatusName(job.status)},
      {"batch", job.batch_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(job.batch_id)},
      {"version", job.version},
      {"filename", job.filename},
      {"created_at", job.created_at},
      {"updated_at", job.updated_at},
      {"original", std::move(original)},
      {"metadata", job.metadata.is_object() ? job.metadata : nlohmann::json::object()},
      {"variants", std::move(variants)},
      {"error", std::move(error)},
  };
}

}  // namespace edgepix
