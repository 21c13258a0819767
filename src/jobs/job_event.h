// JobEvent: one entry of the job event log, what a live view (the wall, the
// owner's page) shows: a job COMPLETED, FAILED or was deleted, or the owner
// approved or hid it (jobs/moderation.h). The store
// appends it in the transaction that made the change, numbered by a sequence
// that only grows (never reused, also after deletes), so a client that saw
// `seq` can ask for everything after it (SSE Last-Event-ID).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace edgepix {

// The JobNotifier key woken after every append (no job or batch id looks like it).
inline constexpr const char* kJobEventsTopic = "job-events";

enum class JobEventKind { kCompleted, kFailed, kDeleted, kApproved, kHidden };
// "completed", "failed", "deleted", "approved", "hidden"
const char* JobEventKindName(JobEventKind kind);
std::optional<JobEventKind> ParseJobEventKind(const std::string& name);

struct JobEvent {
  int64_t seq = 0;
  JobEventKind kind = JobEventKind::kCompleted;
  std::string job_id;
  std::string created_at;  // ISO 8601 UTC with milliseconds
};

}  // namespace edgepix
