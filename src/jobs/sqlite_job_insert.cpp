#include "jobs/sqlite_job_insert.h"

#include <optional>
#include <vector>

#include "jobs/sqlite_batch_rows.h"
#include "jobs/sqlite_job_row.h"

namespace edgepix {

Status SqliteJobInserter::Insert(const Job& job, const std::string& grant_id) {
  Request request{job, grant_id};
  request.row.status = JobStatus::kPending;
  request.row.version = 1;
  if (request.row.created_at.empty()) request.row.created_at = NowIso8601();
  if (request.row.updated_at.empty()) request.row.updated_at = request.row.created_at;
  return group_.Submit(
      &request, [this] { return std::make_unique<SqliteWriteLock>(*s_); },
      [this](std::unique_ptr<SqliteWriteLock>& lock, Group::Batch& batch) {
        InsertBatch(*lock, batch);
      });
}

// Under write_mu (held by the group's leader): one IMMEDIATE transaction, a
// SAVEPOINT per insert, one commit. A failed insert rolls back only its
// savepoint and gets its own error; the others get the commit's status.
void SqliteJobInserter::InsertBatch(SqliteWriteLock& lock, Group::Batch& batch) {
  std::vector<std::optional<Status>> own(batch.size());  // unset: not run
  Status failed;
  try {
    SQLite::Transaction txn(s_->writer, SQLite::TransactionBehavior::IMMEDIATE);
    for (size_t i = 0; i < batch.size(); ++i) {
      const size_t changed = s_->changed_batches.size();
      s_->writer.exec("SAVEPOINT job_insert");
      Status st = Guarded("insert job", [&] { return InsertOne(*batch[i]->request); });
      if (!st.ok()) {
        s_->writer.exec("ROLLBACK TO job_insert");
        s_->changed_batches.resize(changed);
      }
      s_->writer.exec("RELEASE job_insert");
      own[i] = st;
    }
    txn.commit();
  } catch (const std::exception& e) {
    failed = StatusFromException("insert job", e);
  }
  if (failed.ok()) lock.Committed();
  for (size_t i = 0; i < batch.size(); ++i) {
    // Nothing was committed if the transaction failed: every insert that had
    // not failed on its own gets the transaction's error.
    if (!failed.ok() && (!own[i] || own[i]->ok())) {
      batch[i]->status = failed;
    } else {
      batch[i]->status = *own[i];
    }
  }
}

// One insert inside the batch's transaction.
Status SqliteJobInserter::InsertOne(const Request& request) {
  const Job& row = request.row;
  if (SelectJobById(s_->writer, row.id)) {
    return Status::Error(ErrorCode::kConflict, "job " + row.id + " already exists");
  }
  if (!request.grant_id.empty()) EDGEPIX_RETURN_IF_ERROR(UseGrant(request.grant_id, row.id));
  if (!row.batch_id.empty()) EDGEPIX_RETURN_IF_ERROR(CheckBatchOpen(s_->writer, row.batch_id));
  // The seq is the queue's order and the list cursors'.
  InsertJobRow(s_->writer, row, NextCounter(s_->writer, "job_seq"));
  RefreshBatch(*s_, row.batch_id);
  return Status::Ok();
}

// Marks the grant used by job `job_id`; kGrantInvalid when another upload
// used it first (the row was checked, unused, before the upload began).
Status SqliteJobInserter::UseGrant(const std::string& grant_id, const std::string& job_id) {
  SQLite::Statement st(s_->writer,
                       "UPDATE upload_grants SET used_at = ?2, job_id = ?3 "
                       "WHERE id = ?1 AND used_at = ''");
  st.bind(1, grant_id);
  st.bind(2, NowIso8601());
  st.bind(3, job_id);
  if (st.exec() == 1) return Status::Ok();
  return Status::Error(ErrorCode::kGrantInvalid,
                       SelectGrantById(s_->writer, grant_id)
                           ? "used: this upload grant has been used already"
                           : "unknown: no such upload grant");
}

}  // namespace edgepix
