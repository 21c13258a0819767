#include "jobs/sqlite_readiness.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

namespace edgepix {

Status CheckSqliteWritable(const std::string& path, int lock_wait_ms) {
  try {
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    // SQLite opens a write-protected file read-only without an error.
    if (sqlite3_db_readonly(db.getHandle(), "main") != 0) {
      return Status::Error(ErrorCode::kUnavailable, "the database is read-only");
    }
    db.setBusyTimeout(lock_wait_ms);
    db.exec("BEGIN IMMEDIATE");
    db.exec("ROLLBACK");
    return Status::Ok();
  } catch (const std::exception& e) {
    return Status::Error(ErrorCode::kUnavailable,
                         std::string("the database refuses a write transaction: ") + e.what());
  }
}

}  // namespace edgepix
