// Observe: one-line hooks the job code calls so that every job transition is
// logged (log.h) and counted (metrics.h). Failures are counted by reason
// (the job error code: undecodable, too_many_pixels, ...).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace edgepix::observe {

// A job reached `status` ("PROCESSING", "COMPLETED", "FAILED", "PENDING" on retry).
// `error_code` is the job's error code when FAILED, else empty.
void JobChanged(const std::string& id, const std::string& status,
                const std::string& error_code = "");
// The image pipeline ran for one job since `start`; `ok` false when it failed.
void PipelineRan(std::chrono::steady_clock::time_point start, bool ok, size_t variants);
// A variant was stored.
void VariantStored(const std::string& name, size_t bytes);

}  // namespace edgepix::observe
