#include "jobs/moderation.h"

#include "jobs/job.h"

namespace edgepix {

const char* ModerationName(Moderation m) {
  switch (m) {
    case Moderation::kApproved:
      return "approved";
    case Moderation::kPending:
      return "pending";
    case Moderation::kHidden:
      return "hidden";
  }
  return "approved";
}

std::optional<Moderation> ParseModeration(const std::string& name) {
  for (Moderation m : {Moderation::kApproved, Moderation::kPending, Moderation::kHidden}) {
    if (name == ModerationName(m)) return m;
  }
  return std::nullopt;
}

bool IsShown(JobStatus status, Moderation moderation) {
  return status == JobStatus::kCompleted && moderation == Moderation::kApproved;
}

}  // namespace edgepix
