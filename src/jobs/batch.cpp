// Batch statuses and the API's JSON shape of a batch.
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

nlohmann::json BatchToJson(const Batch& b) {
  auto or_null = [](const std::string& v) {
    return v.empty() ? nlohmann::json(nullptr) : nlohmann::json(v);
  };
  return {
      {"id", b.id},
      {"status", BatchStatusName(b.status)},
      {"version", b.version},
      {"counts",
       {{"total", b.counts.total},
        {"pending", b.counts.pending},
        {"processing", b.counts.processing},
        {"completed", b.counts.completed},
        {"failed", b.counts.failed}}},
      {"metadata", b.metadata.is_object() ? b.metadata : nlohmann::json(nullptr)},
      {"callback_url", or_null(b.callback_url)},
      {"created_at", b.created_at},
      {"updated_at", b.updated_at},
      {"closed_at", or_null(b.closed_at)},
  };
}

}  // namespace edgepix
