// Batch statuses.
#include "jobs/batch.h"

namespace edgepix {

const char* BatchStatusName(BatchStatus s) {
  switch (s) {
    case BatchStatus::kOpen:
      return "OPEN";
    case BatchStatus::kProcessing:
      return "PROCESSING";
    case BatchStatus::kCompleted:
      return "COMPLETED";
    case BatchStatus::kPartial:
      return "PARTIAL";
    case BatchStatus::kFailed:
      return "FAILED";
  }
  return "UNKNOWN";
}

std::optional<BatchStatus> ParseBatchStatus(const std::string& name) {
  for (BatchStatus s : {BatchStatus::kOpen, BatchStatus::kProcessing, BatchStatus::kCompleted,
                        BatchStatus::kPartial, BatchStatus::kFailed}) {
    if (name == BatchStatusName(s)) return s;
  }
  return std::nullopt;
}

bool IsTerminal(BatchStatus s) {
  return s == BatchStatus::kCompleted || s == BatchStatus::kPartial || s == BatchStatus::kFailed;
}

BatchStatus DeriveBatchStatus(bool closed, const BatchCounts& c) {
  if (!closed) return BatchStatus::kOpen;
  if (c.pending + c.processing > 0) return BatchStatus::kProcessing;
  if (c.failed == 0) return BatchStatus::kCompleted;
  if (c.completed == 0) return BatchStatus::kFailed;
  return BatchStatus::kPartial;
}

}  // namespace edgepix
