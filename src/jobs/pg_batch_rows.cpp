#include "jobs/pg_batch_rows.h"

#include <nlohmann/json.hpp>

#include "jobs/job_row_codec.h"
#include "jobs/pg_job_store.h"

namespace edgepix {

Batch ReadBatch(const PgResult& r, int row) {
  Batch b;
  b.id = r.text(row, 0);
  auto status = ParseBatchStatus(r.text(row, 1));
  if (!status) throw std::runtime_error("batch " + b.id + " has an unknown status");
  b.status = *status;
  b.version = r.int64(row, 2);
  b.metadata = nlohmann::json::parse(r.text(row, 3));
  b.callback_url = r.text(row, 4);
  b.created_at = r.text(row, 5);
  b.updated_at = r.text(row, 6);
  b.closed_at = r.text(row, 7);
  b.counts.total = r.int64(row, 8);
  b.counts.pending = r.int64(row, 9);
  b.counts.processing = r.int64(row, 10);
  b.counts.completed = r.int64(row, 11);
  b.counts.failed = r.int64(row, 12);
  return b;
}

std::optional<Batch> SelectBatch(PgConn& c, const std::string& id, bool lock) {
  PgResult r = c.Exec(std::string("SELECT ") + kBatchColumns + " FROM batches WHERE id = $1" +
                          (lock ? " FOR UPDATE" : ""),
                      {id});
  if (r.rows() == 0) return std::nullopt;
  return ReadBatch(r, 0);
}

Status CheckBatchOpen(PgConn& c, const std::string& id) {
  PgResult r = c.Exec("SELECT status FROM batches WHERE id = $1 FOR UPDATE", {id});
  if (r.rows() == 0) return Status::Error(ErrorCode::kNotFound, "no batch " + id);
  if (r.text(0, 0) != BatchStatusName(BatchStatus::kOpen)) {
    return Status::Error(ErrorCode::kBatchClosed,
                         "batch " + id + " is closed: it takes no more uploads");
  }
  return Status::Ok();
}

bool RefreshBatch(PgConn& c, const PgStoreHooks& hooks, const std::string& id, bool close) {
  if (id.empty()) return false;
  auto batch = SelectBatch(c, id, true);
  if (!batch) return false;
  BatchCounts counts;
  PgResult n =
      c.Exec("SELECT status, COUNT(*) FROM jobs WHERE batch_id = $1 GROUP BY status", {id});
  for (int i = 0; i < n.rows(); ++i) AddToCounts(&counts, n.text(i, 0), n.int64(i, 1));
  Batch b = *batch;
  if (!AdvanceBatch(&b, counts, close, NowIso8601())) return false;
  c.Exec(
      "WITH u AS (UPDATE batches SET status = $2, version = $3, updated_at = $4, closed_at = $5, "
      "total = $6, pending = $7, processing = $8, completed = $9, failed = $10 WHERE id = $1 "
      "RETURNING id) SELECT pg_notify($11, id) FROM u",
      {b.id, std::string(BatchStatusName(b.status)), std::to_string(b.version), b.updated_at,
       b.closed_at, std::to_string(b.counts.total), std::to_string(b.counts.pending),
       std::to_string(b.counts.processing), std::to_string(b.counts.completed),
       std::to_string(b.counts.failed), std::string(kPgChangeChannel)});
  if (IsTerminal(b.status) && !IsTerminal(batch->status) && hooks.on_batch_terminal) {
    hooks.on_batch_terminal(c, b);
    return true;
  }
  return false;
}

UploadGrant ReadGrant(const PgResult& r, int row) {
  UploadGrant g;
  g.id = r.text(row, 0);
  g.batch_id = r.text(row, 1);
  g.max_bytes = static_cast<uint64_t>(r.int64(row, 2));
  g.expires_at = r.int64(row, 3);
  g.used_at = r.text(row, 4);
  g.job_id = r.text(row, 5);
  return g;
}

std::optional<UploadGrant> SelectGrant(PgConn& c, const std::string& id) {
  PgResult r =
      c.Exec(std::string("SELECT ") + kGrantColumns + " FROM upload_grants WHERE id = $1", {id});
  if (r.rows() == 0) return std::nullopt;
  return ReadGrant(r, 0);
}

}  // namespace edgepix
