#include "jobs/sqlite_leftovers.h"

#include <SQLiteCpp/SQLiteCpp.h>

namespace edgepix {
namespace {

bool HasTable(SQLite::Database& db, const char* table) {
  SQLite::Statement q(db, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?");
  q.bind(1, table);
  return q.executeStep() && q.getColumn(0).getInt64() > 0;
}

int64_t CountIfTable(SQLite::Database& db, const char* table, const std::string& sql) {
  if (!HasTable(db, table)) return 0;
  SQLite::Statement count(db, sql);
  return count.executeStep() ? count.getColumn(0).getInt64() : 0;
}

}  // namespace

Result<SqliteLeftovers> CountSqliteLeftovers(const std::string& db_path) {
  try {
    SQLite::Database db(db_path, SQLite::OPEN_READONLY);
    db.setBusyTimeout(5000);
    SqliteLeftovers out;
    out.pending_webhooks = CountIfTable(
        db, "webhook_outbox", "SELECT COUNT(*) FROM webhook_outbox WHERE status = 'pending'");
    out.batch_callbacks = CountIfTable(db, "batches",
                                       "SELECT COUNT(*) FROM batches WHERE callback_url != '' AND "
                                       "status IN ('OPEN', 'PROCESSING')");
    out.s3_objects = CountIfTable(db, "s3_objects", "SELECT COUNT(*) FROM s3_objects");
    return out;
  } catch (const std::exception& e) {
    return Status::Error(ErrorCode::kUnavailable,
                         "cannot read " + db_path + ": " + std::string(e.what()));
  }
}

Result<std::vector<UploadGrant>> ReadSqliteGrants(const std::string& db_path, int64_t now_unix) {
  try {
    SQLite::Database db(db_path, SQLite::OPEN_READONLY);
    db.setBusyTimeout(5000);
    std::vector<UploadGrant> out;
    if (!HasTable(db, "upload_grants")) return out;
    SQLite::Statement q(db,
                        "SELECT id, batch_id, max_bytes, expires_at, used_at, job_id "
                        "FROM upload_grants WHERE expires_at > ? ORDER BY id");
    q.bind(1, static_cast<int64_t>(now_unix));
    while (q.executeStep()) {
      UploadGrant g;
      g.id = q.getColumn(0).getString();
      g.batch_id = q.getColumn(1).getString();
      g.max_bytes = static_cast<uint64_t>(q.getColumn(2).getInt64());
      g.expires_at = q.getColumn(3).getInt64();
      g.used_at = q.getColumn(4).getString();
      g.job_id = q.getColumn(5).getString();
      out.push_back(std::move(g));
    }
    return out;
  } catch (const std::exception& e) {
    return Status::Error(ErrorCode::kUnavailable,
                         "cannot read " + db_path + ": " + std::string(e.what()));
  }
}

}  // namespace edgepix
