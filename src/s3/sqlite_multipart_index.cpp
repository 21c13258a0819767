#include "s3/sqlite_multipart_index.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include "jobs/sqlite_schema.h"

namespace edgepix::s3 {
namespace {

constexpr const char* kUploadColumns = "upload_id, bucket, key, content_type, initiated";
constexpr const char* kPartColumns = "upload_id, part_number, blob_id, size, etag, last_modified";

UploadRow ReadUpload(SQLite::Statement& q) {
  return {q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getString(),
          q.getColumn(3).getString(), q.getColumn(4).getString()};
}

PartRow ReadPart(SQLite::Statement& q) {
  PartRow p;
  p.upload_id = q.getColumn(0).getString();
  p.part_number = q.getColumn(1).getInt();
  p.blob_id = q.getColumn(2).getString();
  p.size = static_cast<uint64_t>(q.getColumn(3).getInt64());
  p.etag = q.getColumn(4).getString();
  p.last_modified = q.getColumn(5).getString();
  return p;
}

std::optional<UploadRow> GetUpload(SQLite::Database& db, const std::string& upload_id) {
  SQLite::Statement q(
      db, std::string("SELECT ") + kUploadColumns + " FROM s3_uploads WHERE upload_id = ?");
  q.bind(1, upload_id);
  if (!q.executeStep()) return std::nullopt;
  return ReadUpload(q);
}

Status DbError(const std::exception& e) {
  return Status::Error(ErrorCode::kIoError, std::string("s3 multipart index: ") + e.what());
}

}  // namespace

SqliteMultipartIndex::SqliteMultipartIndex(std::unique_ptr<SQLite::Database> db)
    : db_(std::move(db)) {}
SqliteMultipartIndex::~SqliteMultipartIndex() = default;

Result<std::unique_ptr<SqliteMultipartIndex>> SqliteMultipartIndex::Open(const std::string& path) {
  try {
    auto db =
        std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    ConfigureWriter(*db);
    MigrateJobSchema(*db);
    return std::unique_ptr<SqliteMultipartIndex>(new SqliteMultipartIndex(std::move(db)));
  } catch (const std::exception& e) {
    return DbError(e);
  }
}

Status SqliteMultipartIndex::Create(const UploadRow& upload) {
  std::lock_guard lock(mu_);
  try {
    SQLite::Transaction txn(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement bucket(*db_, "SELECT 1 FROM s3_buckets WHERE name = ?");
    bucket.bind(1, upload.bucket);
    if (!bucket.executeStep()) return Status::Error(ErrorCode::kNotFound, "no such bucket");
    SQLite::Statement q(*db_, std::string("INSERT INTO s3_uploads (") + kUploadColumns +
                                  ") VALUES (?, ?, ?, ?, ?)");
    q.bind(1, upload.upload_id);
    q.bind(2, upload.bucket);
    q.bind(3, upload.key);
    q.bind(4, upload.content_type);
    q.bind(5, upload.initiated);
    q.exec();
    txn.commit();
    return Status::Ok();
  } catch (const std::exception& e) {
    return DbError(e);
  }
}

Result<std::optional<UploadRow>> SqliteMultipartIndex::Get(const std::string& upload_id) {
  std::lock_guard lock(mu_);
  try {
    return GetUpload(*db_, upload_id);
  } catch (const std::exception& e) {
    return DbError(e);
  }
}

Result<std::optional<PartRow>> SqliteMultipartIndex::PutPart(const PartRow& part) {
  std::lock_guard lock(mu_);
  try {
    SQLite::Transaction txn(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    if (!GetUpload(*db_, part.upload_id)) {
      return Status::Error(ErrorCode::kNotFound, "no such upload");
    }
    std::optional<PartRow> previous;
    SQLite::Statement old(*db_, std::string("SELECT ") + kPartColumns +
                                    " FROM s3_parts WHERE upload_id = ? AND part_number = ?");
    old.bind(1, part.upload_id);
    old.bind(2, part.part_number);
    if (old.executeStep()) previous = ReadPart(old);
    SQLite::Statement q(*db_, std::string("INSERT OR REPLACE INTO s3_parts (") + kPartColumns +
                                  ") VALUES (?, ?, ?, ?, ?, ?)");
    q.bind(1, part.upload_id);
    q.bind(2, part.part_number);
    q.bind(3, part.blob_id);
    q.bind(4, static_cast<int64_t>(part.size));
    q.bind(5, part.etag);
    q.bind(6, part.last_modified);
    q.exec();
    txn.commit();
    return previous;
  } catch (const std::exception& e) {
    return DbError(e);
  }
}

Result<std::vector<PartRow>> SqliteMultipartIndex::Parts(const std::string& upload_id, int after,
                                                         int max) {
  std::lock_guard lock(mu_);
  try {
    std::vector<PartRow> out;
    SQLite::Statement q(*db_, std::string("SELECT ") + kPartColumns +
                                  " FROM s3_parts WHERE upload_id = ? AND part_number > ?"
                                  " ORDER BY part_number LIMIT ?");
    q.bind(1, upload_id);
    q.bind(2, after);
    q.bind(3, max + 1);
    while (q.executeStep()) out.push_back(ReadPart(q));
    return out;
  } catch (const std::exception& e) {
    return DbError(e);
  }
}

Result<std::vector<UploadRow>> SqliteMultipartIndex::List(const std::string& bucket,
                                                          const UploadListRequest& request) {
  std::lock_guard lock(mu_);
  try {
    std::vector<UploadRow> out;
    // Keys starting with the prefix: >= prefix, then filtered (bytewise order).
    SQLite::Statement q(*db_, std::string("SELECT ") + kUploadColumns +
                                  " FROM s3_uploads WHERE bucket = ? AND key >= ?"
                                  " AND (key > ? OR (key = ? AND upload_id > ?))"
                                  " ORDER BY key, upload_id");
    q.bind(1, bucket);
    q.bind(2, request.prefix);
    q.bind(3, request.key_marker);
    q.bind(4, request.key_marker);
    // Without an upload-id marker every upload of key_marker itself is skipped.
    if (request.upload_id_marker.empty()) {
      q.bind(5, std::string(1, '\x7f'));
    } else {
      q.bind(5, request.upload_id_marker);
    }
    while (q.executeStep()) {
      UploadRow row = ReadUpload(q);
      if (!row.key.starts_with(request.prefix)) break;
      out.push_back(std::move(row));
      if (static_cast<int>(out.size()) > request.max_uploads) break;
    }
    return out;
  } catch (const std::exception& e) {
    return DbError(e);
  }
}

Result<std::optional<std::vector<PartRow>>> SqliteMultipartIndex::Remove(
    const std::string& upload_id) {
  std::lock_guard lock(mu_);
  try {
    SQLite::Transaction txn(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    if (!GetUpload(*db_, upload_id)) return std::optional<std::vector<PartRow>>();
    std::vector<PartRow> parts;
    SQLite::Statement q(
        *db_, std::string("SELECT ") + kPartColumns + " FROM s3_parts WHERE upload_id = ?");
    q.bind(1, upload_id);
    while (q.executeStep()) parts.push_back(ReadPart(q));
    SQLite::Statement del_parts(*db_, "DELETE FROM s3_parts WHERE upload_id = ?");
    del_parts.bind(1, upload_id);
    del_parts.exec();
    SQLite::Statement del(*db_, "DELETE FROM s3_uploads WHERE upload_id = ?");
    del.bind(1, upload_id);
    del.exec();
    txn.commit();
    return std::optional<std::vector<PartRow>>(std::move(parts));
  } catch (const std::exception& e) {
    return DbError(e);
  }
}

Result<std::vector<std::string>> SqliteMultipartIndex::InitiatedBefore(const std::string& iso8601) {
  std::lock_guard lock(mu_);
  try {
    std::vector<std::string> out;
    SQLite::Statement q(*db_, "SELECT upload_id FROM s3_uploads WHERE initiated < ?");
    q.bind(1, iso8601);
    while (q.executeStep()) out.push_back(q.getColumn(0).getString());
    return out;
  } catch (const std::exception& e) {
    return DbError(e);
  }
}

Result<uint64_t> SqliteMultipartIndex::PartBytes() {
  std::lock_guard lock(mu_);
  try {
    return static_cast<uint64_t>(
        db_->execAndGet("SELECT COALESCE(SUM(size), 0) FROM s3_parts").getInt64());
  } catch (const std::exception& e) {
    return DbError(e);
  }
}

Result<uint64_t> SqliteMultipartIndex::UploadBytes(const std::string& upload_id, int except) {
  std::lock_guard lock(mu_);
  try {
    SQLite::Statement q(*db_,
                        "SELECT COALESCE(SUM(size), 0) FROM s3_parts WHERE upload_id = ? AND "
                        "part_number != ?");
    q.bind(1, upload_id);
    q.bind(2, except);
    q.executeStep();
    return static_cast<uint64_t>(q.getColumn(0).getInt64());
  } catch (const std::exception& e) {
    return DbError(e);
  }
}

Result<std::vector<std::string>> SqliteMultipartIndex::Unreferenced(
    const std::vector<std::string>& blob_ids) {
  std::lock_guard lock(mu_);
  try {
    std::vector<std::string> out;
    SQLite::Statement q(*db_, "SELECT 1 FROM s3_parts WHERE blob_id = ?");
    for (const auto& id : blob_ids) {
      q.reset();
      q.bind(1, id);
      if (!q.executeStep()) out.push_back(id);
    }
    return out;
  } catch (const std::exception& e) {
    return DbError(e);
  }
}

bool SqliteMultipartIndex::Claim(const std::string& upload_id) {
  std::lock_guard lock(mu_);
  return claimed_.insert(upload_id).second;
}

void SqliteMultipartIndex::Unclaim(const std::string& upload_id) {
  std::lock_guard lock(mu_);
  claimed_.erase(upload_id);
}

}  // namespace edgepix::s3
