// Moderation: whether the owner let a photo be shown to everyone (--moderate).
//
// A job is kApproved unless it was uploaded by a guest while --moderate was
// on: then it starts kPending and waits for the owner, who may approve or hide
// any job at any time (a hidden job can be approved again). The state is a
// column of the job row; a change appends an `approved` or `hidden` event to
// the job event log (jobs/job_event.h), so a wall adds or removes it live.
// IsShown is the one rule of what the shared views (the wall and its event
// stream, the gallery, the download of everything) show. Pure functions.
#pragma once

#include <optional>
#include <string>

namespace edgepix {

enum class JobStatus;

enum class Moderation { kApproved, kPending, kHidden };
const char* ModerationName(Moderation m);  // "approved", "pending", "hidden"
std::optional<Moderation> ParseModeration(const std::string& name);

// Shown to everyone: processed (COMPLETED) and approved by the owner.
bool IsShown(JobStatus status, Moderation moderation);

}  // namespace edgepix
