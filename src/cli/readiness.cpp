#include "cli/readiness.h"

#include <sqlite3.h>

#include <memory>

#include "storage/env.h"

namespace edgepix::cli {
namespace {

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};

Status DbError(const char* what, sqlite3* db) {
  return Status::Error(ErrorCode::kUnavailable,
                       std::string(what) + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

}  // namespace

Status CheckDatabaseWritable(const std::string& db_path, const std::string& scratch_dir) {
  sqlite3* raw = nullptr;
  int rc =
      sqlite3_open_v2(db_path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<sqlite3, DbCloser> db(raw);
  if (rc != SQLITE_OK) return DbError("cannot open the database", raw);
  if (sqlite3_db_readonly(db.get(), "main") != 0) {
    return Status::Error(ErrorCode::kUnavailable, "the database is read-only");
  }
  sqlite3_busy_timeout(db.get(), 2000);
  if (sqlite3_exec(db.get(), "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return DbError("the database refuses a write transaction", db.get());
  }
  sqlite3_exec(db.get(), "ROLLBACK", nullptr, nullptr, nullptr);

  Env* env = Env::Default();
  const std::string probe = scratch_dir + "/.readyz-probe";
  auto file = env->NewWritableFile(probe);
  if (!file.ok()) return file.status();
  Status st = (*file)->Append("ok", 2);
  if (st.ok()) st = (*file)->Sync();
  Status closed = (*file)->Close();
  env->RemoveFile(probe);
  if (!st.ok()) return st;
  return closed;
}

}  // namespace edgepix::cli
