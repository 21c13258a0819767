// Job state machine and timestamps.
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

}  // namespace edgepix
