// SqliteShared: what the SQLite stores of one database share (internal to
// src/jobs/sqlite_*): the one writer connection and the lock serialising its
// transactions, the reader pool, and the hooks. Every write transaction takes
// write_mu for its whole length. Guarded() turns exceptions into a Status.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "jobs/sqlite_job_row.h"
#include "jobs/sqlite_reader_pool.h"
#include "jobs/sqlite_stores.h"

namespace edgepix {

struct SqliteShared {
  SqliteShared(const std::string& db_path, SqliteStoreHooks store_hooks);
  const std::string path;
  const SqliteStoreHooks hooks;
  std::mutex write_mu;
  SQLite::Database writer;
  std::unique_ptr<SqliteReaderPool> readers;

  // The batches the current write transaction changed (under write_mu only).
  std::vector<std::string> changed_batches;
  // Whether the current write transaction ran a terminal hook (under write_mu only).
  bool terminal_events = false;
  // Whether the current write transaction appended to the job event log.
  bool event_appended = false;
};

// Runs hooks.on_job_terminal for `job` (just written, terminal) and remembers
// it for on_events_committed. Call on the writer inside the transaction.
void JobBecameTerminal(SqliteShared& shared, const Job& job);

// Holds write_mu for one write transaction. Committed() (call right after the
// commit) reports the batches it changed through hooks.on_batch_changed,
// calls hooks.on_events_committed when a terminal hook ran (and
// hooks.on_job_event when a job event was appended); a
// transaction that threw reports nothing.
class SqliteWriteLock {
 public:
  explicit SqliteWriteLock(SqliteShared& shared);
  ~SqliteWriteLock();
  void Committed();

 private:
  SqliteShared& shared_;
  std::lock_guard<std::mutex> lock_;
};

// Lets the write transaction it spans commit without waiting for the disk
// (PRAGMA synchronous = NORMAL; back to FULL when it goes). For the commits a
// power loss may undo because nothing was promised on them: a claim (the job
// is run again either way) and a variant's publish (variants are durable only
// once COMPLETED is committed, whose WAL fdatasync covers every earlier
// commit's frames). A process crash loses none of them: the WAL's writes are
// in the kernel. Construct it after the SqliteWriteLock and before the
// transaction, so that it outlives the commit or rollback. If FULL cannot be
// restored the writer is broken: the error is logged and later transactions
// fail with it.
class SqliteRelaxedCommit {
 public:
  explicit SqliteRelaxedCommit(SQLite::Database& writer);
  ~SqliteRelaxedCommit();
  SqliteRelaxedCommit(const SqliteRelaxedCommit&) = delete;
  SqliteRelaxedCommit& operator=(const SqliteRelaxedCommit&) = delete;

 private:
  SQLite::Database& writer_;
};

// Runs `fn`, turning anything it throws into a Status naming `what`.
template <typename Fn>
auto Guarded(const std::string& what, Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const std::exception& e) {
    return StatusFromException(what, e);
  }
}

// Increments the named row of `counters` and returns its new value; call on
// the writer inside a transaction.
int64_t NextCounter(SQLite::Database& writer, const std::string& name);

std::unique_ptr<JobStore> MakeSqliteJobStore(std::shared_ptr<SqliteShared> shared);
std::unique_ptr<BatchStore> MakeSqliteBatchStore(std::shared_ptr<SqliteShared> shared);
std::unique_ptr<GrantStore> MakeSqliteGrantStore(std::shared_ptr<SqliteShared> shared);

}  // namespace edgepix
