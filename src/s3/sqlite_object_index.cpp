#include "s3/sqlite_object_index.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include "jobs/job.h"
#include "jobs/sqlite_schema.h"

namespace edgepix::s3 {
namespace {

constexpr const char* kColumns =
    "bucket, key, blob_id, job_id, size, etag, content_type, last_modified";

ObjectRow ReadRow(SQLite::Statement& q) {
  ObjectRow r;
  r.bucket = q.getColumn(0).getString();
  r.key = q.getColumn(1).getString();
  r.blob_id = q.getColumn(2).getString();
  r.job_id = q.getColumn(3).getString();
  r.size = static_cast<uint64_t>(q.getColumn(4).getInt64());
  r.etag = q.getColumn(5).getString();
  r.content_type = q.getColumn(6).getString();
  r.last_modified = q.getColumn(7).getString();
  return r;
}

std::optional<ObjectRow> GetLocked(SQLite::Database& db, const std::string& bucket,
                                   const std::string& key) {
  SQLite::Statement q(
      db, std::string("SELECT ") + kColumns + " FROM s3_objects WHERE bucket = ? AND key = ?");
  q.bind(1, bucket);
  q.bind(2, key);
  if (!q.executeStep()) return std::nullopt;
  return ReadRow(q);
}

Status DbError(const std::exception& e) {
  return Status::Error(ErrorCode::kIoError, std::string("s3 index: ") + e.what());
}

}  // namespace

SqliteObjectIndex::SqliteObjectIndex(std::unique_ptr<SQLite::Database> db) : db_(std::move(db)) {}
SqliteObjectIndex::~SqliteObjectIndex() = default;

void SqliteObjectIndex::SetChangeHook(ObjectChangeHook on_change,
                                      std::function<void()> after_commit) {
  std::lock_guard lock(mu_);
  on_change_ = std::move(on_change);
  after_commit_ = std::move(after_commit);
}

Result<std::unique_ptr<SqliteObjectIndex>> SqliteObjectIndex::Open(const std::string& path) {
  try {
    auto db =
        std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    ConfigureWriter(*db);
    MigrateJobSchema(*db);
    return std::unique_ptr<SqliteObjectIndex>(new SqliteObjectIndex(std::move(db)));
  } catch (const std::exception& e) {
    return DbError(e);
  }
}

Status SqliteObjectIndex::CreateBucket(const std::string& name) {
  std::lock_guard lock(mu_);
  try {
    SQLite::Statement q(*db_, "INSERT OR IGNORE INTO s3_buckets (name, created_at) VALUES (?, ?)");
    q.bind(1, name);
    q.bind(2, NowIso8601());
    if (q.exec() == 0) return Status::Error(ErrorCode::kConflict, "bucket exists");
    return Status::Ok();
  } catch (const std::exception& e) {
    return DbError(e);
  }
}

Result<bool> SqliteObjectIndex::BucketExists(const std::string& name) {
  std::lock_guard lock(mu_);
  try {
    SQLite::Statement q(*db_, "SELECT 1 FROM s3_buckets WHERE name = ?");
    q.bind(1, name);
    return q.executeStep();
  } catch (const std::exception& e) {
    return DbError(e);
  }
}

Result<std::vector<BucketRow>> SqliteObjectIndex::ListBuckets() {
  std::lock_guard lock(mu_);
  try {
    std::vector<BucketRow> out;
    SQLite::Statement q(*db_, "SELECT name, created_at FROM s3_buckets ORDER BY name");
    while (q.executeStep()) out.push_back({q.getColumn(0).getString(), q.getColumn(1).getString()});
    return out;
  } catch (const std::exception& e) {
    return DbError(e);
  }
}

Status SqliteObjectIndex::DeleteBucket(const std::string& name) {
  std::lock_guard lock(mu_);
  try {
    SQLite::Transaction txn(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement any(*db_, "SELECT 1 FROM s3_objects WHERE bucket = ? LIMIT 1");
    any.bind(1, name);
    if (any.executeStep()) return Status::Error(ErrorCode::kConflict, "bucket not empty");
    SQLite::Statement uploads(*db_, "SELECT 1 FROM s3_uploads WHERE bucket = ? LIMIT 1");
    uploads.bind(1, name);
    if (uploads.executeStep()) return Status::Error(ErrorCode::kConflict, "uploads in progress");
    SQLite::Statement del(*db_, "DELETE FROM s3_buckets WHERE name = ?");
    del.bind(1, name);
    if (del.exec() == 0) return Status::Error(ErrorCode::kNotFound, "no such bucket");
    txn.commit();
    return Status::Ok();
  } catch (const std::exception& e) {
    return DbError(e);
  }
}

Result<std::optional<ObjectRow>> SqliteObjectIndex::Put(const ObjectRow& row,
                                                        ObjectChangeKind kind) {
  std::lock_guard lock(mu_);
  try {
    SQLite::Transaction txn(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    auto previous = GetLocked(*db_, row.bucket, row.key);
    SQLite::Statement q(*db_, std::string("INSERT OR REPLACE INTO s3_objects (") + kColumns +
                                  ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, row.bucket);
    q.bind(2, row.key);
    q.bind(3, row.blob_id);
    q.bind(4, row.job_id);
    q.bind(5, static_cast<int64_t>(row.size));
    q.bind(6, row.etag);
    q.bind(7, row.content_type);
    q.bind(8, row.last_modified);
    q.exec();
    if (on_change_) on_change_(*db_, ObjectChange{kind, row});
    txn.commit();
    if (on_change_ && after_commit_) after_commit_();
    return previous;
  } catch (const std::exception& e) {
    return DbError(e);
  }
}

Result<std::optional<ObjectRow>> SqliteObjectIndex::Get(const std::string& bucket,
                                                        const std::string& key) {
  std::lock_guard lock(mu_);
  try {
    return GetLocked(*db_, bucket, key);
  } catch (const std::exception& e) {
    return DbError(e);
  }
}

Result<std::optional<ObjectRow>> SqliteObjectIndex::Delete(const std::string& bucket,
                                                           const std::string& key) {
  std::lock_guard lock(mu_);
  try {
    SQLite::Transaction txn(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    auto previous = GetLocked(*db_, bucket, key);
    if (previous) {
      SQLite::Statement q(*db_, "DELETE FROM s3_objects WHERE bucket = ? AND key = ?");
      q.bind(1, bucket);
      q.bind(2, key);
      q.exec();
      if (on_change_) on_change_(*db_, ObjectChange{ObjectChangeKind::kDelete, *previous});
    }
    txn.commit();
    if (previous && on_change_ && after_commit_) after_commit_();
    return previous;
  } catch (const std::exception& e) {
    return DbError(e);
  }
}

Result<ListPage> SqliteObjectIndex::List(const std::string& bucket, const ListRequest& request) {
  constexpr int kBatch = 256;
  std::lock_guard lock(mu_);
  return WalkListing(
      request, kBatch,
      [&](const std::string& cursor, bool inclusive) -> Result<std::vector<ObjectRow>> {
        try {
          SQLite::Statement q(*db_, std::string("SELECT ") + kColumns +
                                        " FROM s3_objects WHERE bucket = ? AND key " +
                                        (inclusive ? ">=" : ">") + " ? ORDER BY key LIMIT " +
                                        std::to_string(kBatch));
          q.bind(1, bucket);
          q.bind(2, cursor);
          std::vector<ObjectRow> rows;
          while (q.executeStep()) rows.push_back(ReadRow(q));
          return rows;
        } catch (const std::exception& e) {
          return DbError(e);
        }
      });
}

Result<std::vector<ObjectRow>> SqliteObjectIndex::ByJob(const std::string& job_id) {
  std::lock_guard lock(mu_);
  try {
    std::vector<ObjectRow> out;
    SQLite::Statement q(*db_,
                        std::string("SELECT ") + kColumns + " FROM s3_objects WHERE job_id = ?");
    q.bind(1, job_id);
    while (q.executeStep()) out.push_back(ReadRow(q));
    return out;
  } catch (const std::exception& e) {
    return DbError(e);
  }
}

}  // namespace edgepix::s3
