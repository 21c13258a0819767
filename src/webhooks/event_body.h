// The body of a webhook event: {"type": ..., "timestamp": ISO 8601 UTC,
// "data": the job or batch JSON of the API (http/job_json.h), media URLs as
// unsigned paths}. Pure functions; thread-safe.
#pragma once

#include <string>

#include "jobs/batch.h"
#include "jobs/job.h"

namespace edgepix::webhooks {

// "job.completed" or "job.failed" for a terminal job.
std::string JobEventType(const Job& job);
std::string JobEventBody(const std::string& type, const Job& job, const std::string& timestamp);
// "batch.completed" (any terminal batch status).
std::string BatchEventBody(const Batch& batch, const std::string& timestamp);

}  // namespace edgepix::webhooks
