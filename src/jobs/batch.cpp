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

void AddToCounts(BatchCounts* c, const std::string& status, int64_t n) {
  c->total += n;
  if (status == "PENDING") c->pending += n;
  if (status == "PROCESSING") c->processing += n;
  if (status == "COMPLETED") c->completed += n;
  if (status == "FAILED") c->failed += n;
}

bool AdvanceBatch(Batch* b, const BatchCounts& counts, bool close, const std::string& now) {
  const Batch before = *b;
  b->counts = counts;
  if (close && b->closed_at.empty()) b->closed_at = now;
  // A terminal status is final: the batch ends once.
  if (!IsTerminal(b->status)) b->status = DeriveBatchStatus(!b->closed_at.empty(), b->counts);
  if (b->counts == before.counts && b->status == before.status &&
      b->closed_at == before.closed_at) {
    return false;
  }
  b->version += 1;
  b->updated_at = now;
  return true;
}

}  // namespace edgepix
