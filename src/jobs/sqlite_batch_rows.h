// Rows of the `batches` and `upload_grants` tables, read and written on a
// connection inside a transaction the caller holds (the writer under
// SqliteShared::write_mu for writes). Functions throw like sqlite_job_row.h.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <optional>
#include <string>

#include "common/status.h"
#include "jobs/batch.h"
#include "jobs/grant_store.h"
#include "jobs/sqlite_shared.h"

namespace edgepix {

Batch ReadBatchRow(SQLite::Statement& row);
std::optional<Batch> SelectBatchById(SQLite::Database& db, const std::string& id);
void InsertBatchRow(SQLite::Database& db, const Batch& batch, int64_t seq);

// OK when `id` names an OPEN batch; kNotFound / kBatchClosed otherwise.
Status CheckBatchOpen(SQLite::Database& db, const std::string& id);

// Recomputes batch `id`'s counts from its jobs and its status from them (a
// terminal status is kept), optionally closing it now. When anything changed:
// writes the row with version + 1, runs hooks.on_batch_terminal if it has just
// become terminal, and records the id for on_batch_changed. No-op for an empty
// id or a batch that no longer exists. Call on the writer inside the
// transaction of the change that may have moved the counts.
void RefreshBatch(SqliteShared& shared, const std::string& id, bool close = false);

UploadGrant ReadGrantRow(SQLite::Statement& row);
std::optional<UploadGrant> SelectGrantById(SQLite::Database& db, const std::string& id);

}  // namespace edgepix
