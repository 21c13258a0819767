#include "jobs/sqlite_batch_rows.h"

namespace edgepix {

Batch ReadBatchRow(SQLite::Statement& row) {
  Batch b;
  b.id = row.getColumn(0).getString();
  auto status = ParseBatchStatus(row.getColumn(1).getString());
  if (!status) throw std::runtime_error("batch " + b.id + " has an unknown status");
  b.status = *status;
  b.version = row.getColumn(2).getInt64();
  b.metadata = nlohmann::json::parse(row.getColumn(3).getString());
  b.callback_url = row.getColumn(4).getString();
  b.created_at = row.getColumn(5).getString();
  b.updated_at = row.getColumn(6).getString();
  b.closed_at = row.getColumn(7).getString();
  b.counts.total = row.getColumn(8).getInt64();
  b.counts.pending = row.getColumn(9).getInt64();
  b.counts.processing = row.getColumn(10).getInt64();
  b.counts.completed = row.getColumn(11).getInt64();
  b.counts.failed = row.getColumn(12).getInt64();
  return b;
}

std::optional<Batch> SelectBatchById(SQLite::Database& db, const std::string& id) {
  SQLite::Statement st(db, std::string("SELECT ") + kBatchColumns + " FROM batches WHERE id = ?");
  st.bind(1, id);
  if (!st.executeStep()) return std::nullopt;
  return ReadBatchRow(st);
}

void InsertBatchRow(SQLite::Database& db, const Batch& b, int64_t seq) {
  SQLite::Statement st(db,
                       "INSERT INTO batches (id, seq, status, version, metadata_json, "
                       "callback_url, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
                       "?7, ?8)");
  st.bind(1, b.id);
  st.bind(2, seq);
  st.bind(3, BatchStatusName(b.status));
  st.bind(4, b.version);
  st.bind(5, b.metadata.dump());
  st.bind(6, b.callback_url);
  st.bind(7, b.created_at);
  st.bind(8, b.updated_at);
  st.exec();
}

Status CheckBatchOpen(SQLite::Database& db, const std::string& id) {
  SQLite::Statement st(db, "SELECT status FROM batches WHERE id = ?");
  st.bind(1, id);
  if (!st.executeStep()) return Status::Error(ErrorCode::kNotFound, "no batch " + id);
  if (st.getColumn(0).getString() != BatchStatusName(BatchStatus::kOpen)) {
    return Status::Error(ErrorCode::kBatchClosed,
                         "batch " + id + " is closed: it takes no more uploads");
  }
  return Status::Ok();
}

namespace {

BatchCounts CountJobs(SQLite::Database& db, const std::string& id) {
  BatchCounts c;
  SQLite::Statement st(db, "SELECT status, COUNT(*) FROM jobs WHERE batch_id = ? GROUP BY status");
  st.bind(1, id);
  while (st.executeStep()) {
    AddToCounts(&c, st.getColumn(0).getString(), st.getColumn(1).getInt64());
  }
  return c;
}

}  // namespace

void RefreshBatch(SqliteShared& shared, const std::string& id, bool close) {
  if (id.empty()) return;
  SQLite::Database& db = shared.writer;
  auto batch = SelectBatchById(db, id);
  if (!batch) return;
  Batch b = *batch;
  if (!AdvanceBatch(&b, CountJobs(db, id), close, NowIso8601())) return;
  SQLite::Statement st(db,
                       "UPDATE batches SET status = ?2, version = ?3, updated_at = ?4, "
                       "closed_at = ?5, total = ?6, pending = ?7, processing = ?8, "
                       "completed = ?9, failed = ?10 WHERE id = ?1");
  st.bind(1, b.id);
  st.bind(2, BatchStatusName(b.status));
  st.bind(3, b.version);
  st.bind(4, b.updated_at);
  st.bind(5, b.closed_at);
  st.bind(6, b.counts.total);
  st.bind(7, b.counts.pending);
  st.bind(8, b.counts.processing);
  st.bind(9, b.counts.completed);
  st.bind(10, b.counts.failed);
  st.exec();
  if (IsTerminal(b.status) && !IsTerminal(batch->status) && shared.hooks.on_batch_terminal) {
    shared.hooks.on_batch_terminal(db, b);
    shared.terminal_events = true;
  }
  shared.changed_batches.push_back(id);
}

UploadGrant ReadGrantRow(SQLite::Statement& row) {
  UploadGrant g;
  g.id = row.getColumn(0).getString();
  g.batch_id = row.getColumn(1).getString();
  g.max_bytes = static_cast<uint64_t>(row.getColumn(2).getInt64());
  g.expires_at = row.getColumn(3).getInt64();
  g.used_at = row.getColumn(4).getString();
  g.job_id = row.getColumn(5).getString();
  return g;
}

std::optional<UploadGrant> SelectGrantById(SQLite::Database& db, const std::string& id) {
  SQLite::Statement st(db,
                       std::string("SELECT ") + kGrantColumns + " FROM upload_grants WHERE id = ?");
  st.bind(1, id);
  if (!st.executeStep()) return std::nullopt;
  return ReadGrantRow(st);
}

}  // namespace edgepix
