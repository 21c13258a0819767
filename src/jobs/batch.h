// Batch: the uploads of one user action, grouped under one id.
//
// State machine: OPEN (uploads may join) -> closed, explicitly or after
// --batch-ttl; once closed it is PROCESSING while some job is PENDING or
// PROCESSING, then terminal: COMPLETED (no job failed, an empty batch
// included), FAILED (every job failed) or PARTIAL (some failed). A terminal
// status never changes again (deleting a job still updates the counts), so a
// batch becomes terminal exactly once. `version` starts at 1 and grows on every
// change of status or counts. The counts always equal what the batch's jobs
// say: the store recomputes them in the transaction of every job change (see
// BatchStore). Values; the functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace edgepix {

enum class BatchStatus { kOpen, kProcessing, kCompleted, kPartial, kFailed };
const char* BatchStatusName(BatchStatus s);  // "OPEN", ...
std::optional<BatchStatus> ParseBatchStatus(const std::string& name);
bool IsTerminal(BatchStatus s);

struct BatchCounts {
  int64_t total = 0;
  int64_t pending = 0;
  int64_t processing = 0;
  int64_t completed = 0;
  int64_t failed = 0;
  bool operator==(const BatchCounts&) const = default;
};

// Limits of what a client may attach to a batch.
inline constexpr size_t kBatchMetadataMaxBytes = 4096;  // serialised JSON
inline constexpr size_t kBatchCallbackUrlMaxBytes = 2048;

struct Batch {
  std::string id;
  BatchStatus status = BatchStatus::kOpen;
  int64_t version = 1;
  BatchCounts counts;
  nlohmann::json metadata;   // client JSON object, or null when none was given
  std::string callback_url;  // empty = none; validated and used by the webhook sender
  std::string created_at;    // ISO 8601 UTC with milliseconds, like jobs
  std::string updated_at;
  std::string closed_at;  // empty while OPEN
};

// The status a batch has given whether it is closed and its counts, before the
// terminal status is made sticky (the store keeps a terminal status as is).
BatchStatus DeriveBatchStatus(bool closed, const BatchCounts& counts);

// Adds `n` jobs in status `status` (a JobStatus name) to `counts`.
void AddToCounts(BatchCounts* counts, const std::string& status, int64_t n);

// Applies freshly counted `counts` (and, with `close`, closes it at `now` if
// open) to `b`: its status follows unless terminal already (a batch ends
// once); when anything changed, bumps version and sets updated_at = `now`.
// Returns whether it changed. Every store's recount applies this rule.
bool AdvanceBatch(Batch* b, const BatchCounts& counts, bool close, const std::string& now);

}  // namespace edgepix
