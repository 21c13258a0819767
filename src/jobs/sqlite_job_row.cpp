#include "jobs/sqlite_job_row.h"

#include <sqlite3.h>

#include <nlohmann/json.hpp>

#include "jobs/job_row_codec.h"

namespace edgepix {

namespace {

// Binds columns 2.. of both INSERT and UPDATE (see the statements below).
void BindMutableColumns(SQLite::Statement& st, const Job& job) {
  st.bind(2, JobStatusName(job.status));
  st.bind(3, job.version);
  st.bind(4, job.filename);
  st.bind(5, job.created_at);
  st.bind(6, job.updated_at);
  st.bind(7, static_cast<int64_t>(job.original.bytes));
  st.bind(8, job.original.format);
  st.bind(9, job.original.width);
  st.bind(10, job.original.height);
  st.bind(11, job.original.sha256);
  st.bind(12, MetadataToColumn(job.metadata));
  st.bind(13, VariantsToJson(job.variants));
  if (job.error) {
    st.bind(14, job.error->code);
    st.bind(15, job.error->message);
  } else {
    st.bind(14);
    st.bind(15);
  }
  st.bind(16, job.attempts);
  st.bind(17, job.spec_key);
  st.bind(18, job.suspect ? 1 : 0);
  st.bind(19, WarningsToJson(job.warnings));
  st.bind(20, job.thumbhash.data(), static_cast<int>(job.thumbhash.size()));
}

}  // namespace

Job ReadJobRow(SQLite::Statement& row) {
  Job job;
  job.id = row.getColumn(0).getString();
  auto status = ParseJobStatus(row.getColumn(1).getString());
  if (!status) throw std::runtime_error("job " + job.id + " has an unknown status");
  job.status = *status;
  job.version = row.getColumn(2).getInt64();
  job.filename = row.getColumn(3).getString();
  job.created_at = row.getColumn(4).getString();
  job.updated_at = row.getColumn(5).getString();
  job.original.bytes = static_cast<uint64_t>(row.getColumn(6).getInt64());
  job.original.format = row.getColumn(7).getString();
  job.original.width = row.getColumn(8).getInt();
  job.original.height = row.getColumn(9).getInt();
  job.original.sha256 = row.getColumn(10).getString();
  job.metadata = MetadataFromColumn(row.getColumn(11).getString());
  job.variants = VariantsFromJson(row.getColumn(12).getString());
  if (!row.getColumn(13).isNull()) {
    job.error = JobError{row.getColumn(13).getString(), row.getColumn(14).getString()};
  }
  job.attempts = row.getColumn(15).getInt();
  job.spec_key = row.getColumn(16).getString();
  job.suspect = row.getColumn(17).getInt() != 0;
  job.warnings = WarningsFromJson(row.getColumn(18).getString());
  job.batch_id = row.getColumn(19).getString();
  job.uploader = row.getColumn(20).getString();
  const SQLite::Column thumbhash = row.getColumn(21);
  job.thumbhash.assign(static_cast<const char*>(thumbhash.getBlob()),
                       static_cast<size_t>(thumbhash.getBytes()));
  auto moderation = ParseModeration(row.getColumn(22).getString());
  if (!moderation) throw std::runtime_error("job " + job.id + " has an unknown moderation state");
  job.moderation = *moderation;
  return job;
}

std::optional<Job> SelectJobById(SQLite::Database& db, const std::string& id) {
  SQLite::Statement st(db, std::string("SELECT ") + kJobColumns + " FROM jobs WHERE id = ?");
  st.bind(1, id);
  if (!st.executeStep()) return std::nullopt;
  return ReadJobRow(st);
}

void InsertJobRow(SQLite::Database& db, const Job& job, int64_t seq) {
  SQLite::Statement st(
      db,
      "INSERT INTO jobs (id, status, version, filename, created_at, updated_at, "
      "original_bytes, original_format, original_width, original_height, sha256, "
      "metadata_json, variants_json, error_code, error_message, attempts, spec_key, "
      "suspect, warnings_json, thumbhash, batch_id, seq, uploader, moderation) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
      "?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24)");
  st.bind(1, job.id);
  BindMutableColumns(st, job);
  st.bind(21, job.batch_id);
  st.bind(22, seq);
  st.bind(23, job.uploader);
  st.bind(24, ModerationName(job.moderation));
  st.exec();
}

void WriteJobRow(SQLite::Database& db, const Job& job) {
  SQLite::Statement st(db,
                       "UPDATE jobs SET status = ?2, version = ?3, filename = ?4, created_at = ?5, "
                       "updated_at = ?6, original_bytes = ?7, original_format = ?8, "
                       "original_width = ?9, original_height = ?10, sha256 = ?11, "
                       "metadata_json = ?12, variants_json = ?13, error_code = ?14, "
                       "error_message = ?15, attempts = ?16, spec_key = ?17, suspect = ?18, "
                       "warnings_json = ?19, thumbhash = ?20, moderation = ?21 "
                       "WHERE id = ?1");
  st.bind(1, job.id);
  BindMutableColumns(st, job);
  st.bind(21, ModerationName(job.moderation));
  if (st.exec() != 1) throw std::runtime_error("job " + job.id + " vanished during an update");
}

Status StatusFromException(const std::string& what, const std::exception& e) {
  const std::string message = what + ": " + e.what();
  const auto* sqlite = dynamic_cast<const SQLite::Exception*>(&e);
  if (sqlite == nullptr) return Status::Error(ErrorCode::kInternal, message);
  switch (sqlite->getErrorCode() & 0xff) {
    case SQLITE_FULL:
      return Status::Error(ErrorCode::kDiskFull, message);
    case SQLITE_CONSTRAINT:
      return Status::Error(ErrorCode::kConflict, message);
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_PROTOCOL:
      return Status::Error(ErrorCode::kIoError, message);
    default:
      return Status::Error(ErrorCode::kInternal, message);
  }
}

}  // namespace edgepix
