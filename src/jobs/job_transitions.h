// What each state change writes into a job, written once for every JobStore
// (SQLite and PostgreSQL apply the same function inside their own transaction).
// Pure functions on a Job value; thread-safe as far as the Job is not shared.
#pragma once

#include <string>
#include <vector>

#include "jobs/job.h"

namespace edgepix {

// -> COMPLETED: the facts found, the variants, the settings they were made
// with, what the decode tolerated and the placeholder; no error.
void SetCompleted(Job* job, const OriginalRecord& original, const image::ImageMetadata& metadata,
                  const std::vector<VariantRecord>& variants, const std::string& spec_key,
                  const std::vector<std::string>& warnings, const std::string& thumbhash);
// -> FAILED: the reason; nothing of the outputs stays.
void SetFailed(Job* job, const JobError& error);
// -> PENDING (a retry): nothing of the outputs stays.
void ClearOutputs(Job* job);

}  // namespace edgepix
