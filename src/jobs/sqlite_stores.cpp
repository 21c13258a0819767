// Opening the SQLite stores over one shared writer and reader pool.
#include "jobs/sqlite_stores.h"

#include "common/log.h"
#include "jobs/sqlite_schema.h"
#include "jobs/sqlite_shared.h"

namespace edgepix {
namespace {

constexpr size_t kReaders = 4;

}  // namespace

SqliteShared::SqliteShared(const std::string& db_path, SqliteStoreHooks store_hooks)
    : path(db_path),
      hooks(std::move(store_hooks)),
      writer(db_path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE) {
  ConfigureWriter(writer);
  MigrateJobSchema(writer);
  readers = std::make_unique<SqliteReaderPool>(db_path, kReaders);
}

SqliteWriteLock::SqliteWriteLock(SqliteShared& shared) : shared_(shared), lock_(shared.write_mu) {
  shared_.changed_batches.clear();
  shared_.terminal_events = false;
  shared_.event_appended = false;
}

SqliteWriteLock::~SqliteWriteLock() {
  shared_.changed_batches.clear();
  shared_.terminal_events = false;
  shared_.event_appended = false;
}

void SqliteWriteLock::Committed() {
  if (shared_.hooks.on_batch_changed) {
    for (const std::string& id : shared_.changed_batches) shared_.hooks.on_batch_changed(id);
  }
  shared_.changed_batches.clear();
  if (shared_.terminal_events && shared_.hooks.on_events_committed) {
    shared_.hooks.on_events_committed();
  }
  shared_.terminal_events = false;
  if (shared_.event_appended && shared_.hooks.on_job_event) shared_.hooks.on_job_event();
  shared_.event_appended = false;
}

SqliteRelaxedCommit::SqliteRelaxedCommit(SQLite::Database& writer) : writer_(writer) {
  writer_.exec("PRAGMA synchronous = NORMAL");
}

SqliteRelaxedCommit::~SqliteRelaxedCommit() {
  try {
    writer_.exec("PRAGMA synchronous = FULL");
  } catch (const std::exception& e) {
    log::Error(std::string("cannot restore synchronous=FULL on the job database: ") + e.what());
  }
}

void JobBecameTerminal(SqliteShared& shared, const Job& job) {
  if (!shared.hooks.on_job_terminal) return;
  shared.hooks.on_job_terminal(shared.writer, job);
  shared.terminal_events = true;
}

int64_t NextCounter(SQLite::Database& writer, const std::string& name) {
  SQLite::Statement up(writer, "UPDATE counters SET value = value + 1 WHERE name = ?");
  up.bind(1, name);
  up.exec();
  SQLite::Statement get(writer, "SELECT value FROM counters WHERE name = ?");
  get.bind(1, name);
  if (!get.executeStep()) throw std::runtime_error("counter " + name + " is missing");
  return get.getColumn(0).getInt64();
}

Result<SqliteStores> OpenSqliteStores(const std::string& path, SqliteStoreHooks hooks) {
  try {
    auto shared = std::make_shared<SqliteShared>(path, std::move(hooks));
    SqliteStores stores;
    stores.jobs = MakeSqliteJobStore(shared);
    stores.batches = MakeSqliteBatchStore(shared);
    stores.grants = MakeSqliteGrantStore(shared);
    stores.write = [shared](const std::function<void(SQLite::Database&)>& fn) -> Status {
      return Guarded("write beside the job stores", [&]() -> Status {
        SqliteWriteLock lock(*shared);
        SQLite::Transaction txn(shared->writer, SQLite::TransactionBehavior::IMMEDIATE);
        fn(shared->writer);
        txn.commit();
        lock.Committed();
        return Status::Ok();
      });
    };
    return stores;
  } catch (const std::exception& e) {
    return StatusFromException("open job database " + path, e);
  }
}

Result<std::unique_ptr<JobStore>> OpenSqliteJobStore(const std::string& path) {
  EDGEPIX_ASSIGN_OR_RETURN(auto stores, OpenSqliteStores(path));
  return std::move(stores.jobs);
}

}  // namespace edgepix
