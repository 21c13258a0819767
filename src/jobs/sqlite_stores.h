// The SQLite stores of one job database, opened together: jobs, batches and
// upload grants share one writer connection (so a job change and the batch
// counts it causes are one transaction) and one pool of readers.
//
// SqliteStoreHooks lets other modules act on state changes:
//  - on_batch_terminal runs INSIDE the transaction that makes a batch terminal
//    (COMPLETED, PARTIAL or FAILED: exactly once per batch), on the writer
//    connection, after the batch row is written and before the commit. It may
//    write rows of its own (a webhook outbox) with `txn`; they commit or roll
//    back with the change. If it throws, the whole change (the job's
//    transition included) is rolled back and the call returns the error. It
//    runs under the store's write lock: it must not call the stores.
//  - on_job_terminal runs INSIDE the transaction that makes a job COMPLETED
//    or FAILED (a worker's result, or a crash's poison verdict at start), on
//    the writer, after the job row is written and before its batch is
//    recounted (so a job's event row precedes its batch's). Same rules as
//    on_batch_terminal.
//  - on_events_committed runs AFTER the commit of a transaction in which
//    on_job_terminal or on_batch_terminal ran, still under the write lock:
//    keep it short (wake a delivery thread).
//  - on_batch_changed runs AFTER the commit of any change to a batch (counts,
//    status, close, delete), with its id, still under the write lock: keep it
//    short (JobNotifier::Notify).
//  - on_job_event runs AFTER the commit of a change that appended to the job
//    event log (a job COMPLETED, FAILED or deleted), under the write lock:
//    keep it short too.
// Any may be empty. The stores are thread-safe and may be destroyed in any
// order; the hooks must stay callable while any store lives.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <functional>
#include <memory>
#include <string>

#include "common/status.h"
#include "jobs/batch.h"
#include "jobs/batch_store.h"
#include "jobs/grant_store.h"
#include "jobs/job_store.h"

namespace edgepix {

struct SqliteStoreHooks {
  std::function<void(SQLite::Database& txn, const Batch& batch)> on_batch_terminal;
  std::function<void(SQLite::Database& txn, const Job& job)> on_job_terminal;
  std::function<void()> on_events_committed;
  std::function<void(const std::string& batch_id)> on_batch_changed;
  std::function<void()> on_job_event;
};

// Runs `fn` in one IMMEDIATE transaction on the shared writer, serialised
// with the stores' own writes by their lock (not by SQLite's busy waiting),
// for a module keeping rows of its own beside them (the webhook outbox).
// What `fn` throws rolls it back and becomes the returned Status.
using SqliteWriteFn = std::function<Status(const std::function<void(SQLite::Database&)>& fn)>;

struct SqliteStores {
  std::unique_ptr<JobStore> jobs;
  std::unique_ptr<BatchStore> batches;
  std::unique_ptr<GrantStore> grants;
  SqliteWriteFn write;  // keeps the shared writer alive while it is held
};

// Opens (creating and migrating if needed) the database at `path` in WAL mode.
Result<SqliteStores> OpenSqliteStores(const std::string& path, SqliteStoreHooks hooks = {});

}  // namespace edgepix
