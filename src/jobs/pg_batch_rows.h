// Rows of the PostgreSQL `batches` and `upload_grants` tables (internal to
// src/jobs/pg_*), read and written on a connection inside a transaction the
// caller holds. The same rules as the SQLite store's (jobs/batch.h:
// AddToCounts, AdvanceBatch). Functions throw PgError.
#pragma once

#include <optional>
#include <string>

#include "common/status.h"
#include "jobs/batch.h"
#include "jobs/grant_store.h"
#include "jobs/pg_conn.h"
#include "jobs/pg_job_store.h"

namespace edgepix {

Batch ReadBatch(const PgResult& r, int row);
// FOR UPDATE when `lock`: the row stays locked to the end of the transaction.
std::optional<Batch> SelectBatch(PgConn& c, const std::string& id, bool lock);

// OK when `id` names an OPEN batch (locked, so it cannot close meanwhile);
// kNotFound / kBatchClosed otherwise.
Status CheckBatchOpen(PgConn& c, const std::string& id);

// Recounts batch `id` from its jobs with the batch row locked (so the last
// of concurrent changes on any node counts them all) and writes it when it
// changed (AdvanceBatch), with a NOTIFY of the batch id; runs
// hooks.on_batch_terminal when it has just become terminal and returns true
// then (call EventsCommitted after the commit). No-op (false) for an empty id
// or a batch that is gone.
bool RefreshBatch(PgConn& c, const PgStoreHooks& hooks, const std::string& id, bool close = false);

UploadGrant ReadGrant(const PgResult& r, int row);
std::optional<UploadGrant> SelectGrant(PgConn& c, const std::string& id);

}  // namespace edgepix
