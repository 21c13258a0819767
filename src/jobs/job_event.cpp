#include "jobs/job_event.h"

namespace edgepix {

const char* JobEventKindName(JobEventKind kind) {
  switch (kind) {
    case JobEventKind::kCompleted:
      return "completed";
    case JobEventKind::kFailed:
      return "failed";
    case JobEventKind::kDeleted:
      return "deleted";
    case JobEventKind::kApproved:
      return "approved";
    case JobEventKind::kHidden:
      return "hidden";
  }
  return "completed";
}

std::optional<JobEventKind> ParseJobEventKind(const std::string& name) {
  for (JobEventKind k : {JobEventKind::kCompleted, JobEventKind::kFailed, JobEventKind::kDeleted,
                         JobEventKind::kApproved, JobEventKind::kHidden}) {
    if (name == JobEventKindName(k)) return k;
  }
  return std::nullopt;
}

}  // namespace edgepix
