#include "jobs/sqlite_schema.h"

#include <string>

namespace edgepix {
namespace {

// Step i takes a database from user_version i to i + 1. Append, never edit.
const char* const kMigrations[] = {
    // 0 -> 1: jobs, and a counter giving each job a monotonic insertion seq that
    // is never reused, even after deletes, so list cursors stay stable.
    R"sql(
CREATE TABLE jobs (
  id              TEXT PRIMARY KEY NOT NULL,
  seq             INTEGER NOT NULL UNIQUE,
  status          TEXT NOT NULL
                  CHECK (status IN ('PENDING', 'PROCESSING', 'COMPLETED', 'FAILED')),
  version         INTEGER NOT NULL,
  filename        TEXT NOT NULL DEFAULT '',
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  original_bytes  INTEGER NOT NULL DEFAULT 0,
  original_format TEXT NOT NULL DEFAULT '',
  original_width  INTEGER NOT NULL DEFAULT 0,
  original_height INTEGER NOT NULL DEFAULT 0,
  sha256          TEXT NOT NULL DEFAULT '',
  metadata_json   TEXT NOT NULL DEFAULT '{}',
  variants_json   TEXT NOT NULL DEFAULT '[]',
  error_code      TEXT,
  error_message   TEXT,
  attempts        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX jobs_status_seq ON jobs (status, seq);
CREATE INDEX jobs_sha256 ON jobs (sha256);
CREATE TABLE counters (name TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL);
INSERT INTO counters (name, value) VALUES ('job_seq', 0);
)sql",
    // 1 -> 2: the variant settings a job's variants were made with (dedupe
    // must not hand out variants made otherwise; '' never matches) and the
    // "interrupted by a crash alongside other jobs" flag (Job::suspect).
    R"sql(
ALTER TABLE jobs ADD COLUMN spec_key TEXT NOT NULL DEFAULT '';
ALTER TABLE jobs ADD COLUMN suspect INTEGER NOT NULL DEFAULT 0;
)sql",
    // 2 -> 3: what the decode of a COMPLETED job tolerated (Job::warnings), a
    // JSON array of strings.
    R"sql(
ALTER TABLE jobs ADD COLUMN warnings_json TEXT NOT NULL DEFAULT '[]';
)sql",
    // 3 -> 4: batches, the uploads of one user action (jobs/batch.h), the batch a job
    // belongs to, and upload grants (jobs/grant_store.h). A batch's counts are
    // recomputed from its jobs in every transaction that changes one of them.
    R"sql(
CREATE TABLE batches (
  id            TEXT PRIMARY KEY NOT NULL,
  seq           INTEGER NOT NULL UNIQUE,
  status        TEXT NOT NULL
                CHECK (status IN ('OPEN', 'PROCESSING', 'COMPLETED', 'PARTIAL', 'FAILED')),
  version       INTEGER NOT NULL,
  metadata_json TEXT NOT NULL DEFAULT 'null',
  callback_url  TEXT NOT NULL DEFAULT '',
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  closed_at     TEXT NOT NULL DEFAULT '',
  total         INTEGER NOT NULL DEFAULT 0,
  pending       INTEGER NOT NULL DEFAULT 0,
  processing    INTEGER NOT NULL DEFAULT 0,
  completed     INTEGER NOT NULL DEFAULT 0,
  failed        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX batches_status_created ON batches (status, created_at);
INSERT INTO counters (name, value) VALUES ('batch_seq', 0);
ALTER TABLE jobs ADD COLUMN batch_id TEXT NOT NULL DEFAULT '';
CREATE INDEX jobs_batch_status ON jobs (batch_id, status);
CREATE TABLE upload_grants (
  id         TEXT PRIMARY KEY NOT NULL,
  batch_id   TEXT NOT NULL DEFAULT '',
  max_bytes  INTEGER NOT NULL DEFAULT 0,
  expires_at INTEGER NOT NULL,
  used_at    TEXT NOT NULL DEFAULT '',
  job_id     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX upload_grants_expires ON upload_grants (expires_at);
)sql",
    // 4 -> 5: the webhook outbox, one row per (event, endpoint), written in the
    // transaction of the state change that causes the event (SqliteStoreHooks).
    // Times are Unix milliseconds; `body` is the event as sent (rendered outside
    // jobs/); status pending -> delivered | dead.
    R"sql(
CREATE TABLE webhook_outbox (
  id              TEXT PRIMARY KEY NOT NULL,
  type            TEXT NOT NULL,
  subject_id      TEXT NOT NULL,
  endpoint        TEXT NOT NULL,
  body            TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  status          TEXT NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'delivered', 'dead')),
  last_status     INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT NOT NULL DEFAULT '',
  delivered_at    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX webhook_outbox_due ON webhook_outbox (status, next_attempt_at);
)sql",
    // 5 -> 6: the S3-compatible endpoint (src/s3/): buckets and the metadata of
    // their objects. A key is opaque text, never a path: the bytes live in the
    // blob store under `blob_id` (or, for an image that became a job, as that
    // job's original, `job_id`).
    R"sql(
CREATE TABLE s3_buckets (
  name       TEXT PRIMARY KEY NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE s3_objects (
  bucket        TEXT NOT NULL REFERENCES s3_buckets (name),
  key           TEXT NOT NULL,
  blob_id       TEXT NOT NULL DEFAULT '',
  job_id        TEXT NOT NULL DEFAULT '',
  size          INTEGER NOT NULL,
  etag          TEXT NOT NULL,
  content_type  TEXT NOT NULL DEFAULT '',
  last_modified TEXT NOT NULL,
  PRIMARY KEY (bucket, key)
) WITHOUT ROWID;
CREATE INDEX s3_objects_job ON s3_objects (job_id);
)sql",
    // 6 -> 7, event mode: who uploaded a job (Job::uploader: a guest's session,
    // '' for the owner), so a guest may read the jobs it uploaded and no other;
    // and the job event log (jobs/job_event.h), AUTOINCREMENT so a seq is never
    // reused.
    R"sql(
ALTER TABLE jobs ADD COLUMN uploader TEXT NOT NULL DEFAULT '';
CREATE TABLE job_events (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  kind       TEXT NOT NULL CHECK (kind IN ('completed', 'failed', 'deleted')),
  job_id     TEXT NOT NULL,
  created_at TEXT NOT NULL
);
)sql",
    // 7 -> 8: a COMPLETED job's placeholder (Job::thumbhash), the ThumbHash's
    // bytes; jobs completed before it have none.
    R"sql(
ALTER TABLE jobs ADD COLUMN thumbhash BLOB NOT NULL DEFAULT x'';
)sql",
    // 8 -> 9, --moderate: whether the owner lets everyone see a job
    // (Job::moderation; every earlier job stays approved), and the event kinds
    // `approved` and `hidden`. SQLite cannot change a CHECK, so job_events is
    // copied into a new table; the highest seq ever used (sqlite_sequence) is
    // carried over, so no seq is reused.
    R"sql(
ALTER TABLE jobs ADD COLUMN moderation TEXT NOT NULL DEFAULT 'approved'
  CHECK (moderation IN ('approved', 'pending', 'hidden'));
CREATE INDEX jobs_moderation_seq ON jobs (moderation, seq);
CREATE TABLE job_events_v9 (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  kind       TEXT NOT NULL
             CHECK (kind IN ('completed', 'failed', 'deleted', 'approved', 'hidden')),
  job_id     TEXT NOT NULL,
  created_at TEXT NOT NULL
);
INSERT INTO job_events_v9 (seq, kind, job_id, created_at)
  SELECT seq, kind, job_id, created_at FROM job_events ORDER BY seq;
CREATE TEMP TABLE job_events_last AS
  SELECT seq FROM sqlite_sequence WHERE name = 'job_events';
DROP TABLE job_events;
ALTER TABLE job_events_v9 RENAME TO job_events;
DELETE FROM sqlite_sequence WHERE name IN ('job_events', 'job_events_v9');
INSERT INTO sqlite_sequence (name, seq) SELECT 'job_events', seq FROM job_events_last;
DROP TABLE temp.job_events_last;
)sql",
    // 9 -> 10, S3 multipart uploads (src/s3/multipart_index.h): an upload in
    // progress and its parts, whose bytes are blobs of the staging store; and
    // an S3 object row that follows its job: whoever deletes the job (DELETE
    // /api/images/{id}, --retain, an S3 delete) deletes the row in the same
    // transaction.
    R"sql(
CREATE TABLE s3_uploads (
  upload_id    TEXT PRIMARY KEY NOT NULL,
  bucket       TEXT NOT NULL REFERENCES s3_buckets (name),
  key          TEXT NOT NULL,
  content_type TEXT NOT NULL DEFAULT '',
  initiated    TEXT NOT NULL
);
CREATE INDEX s3_uploads_key ON s3_uploads (bucket, key, upload_id);
CREATE INDEX s3_uploads_initiated ON s3_uploads (initiated);
CREATE TABLE s3_parts (
  upload_id     TEXT NOT NULL REFERENCES s3_uploads (upload_id) ON DELETE CASCADE,
  part_number   INTEGER NOT NULL,
  blob_id       TEXT NOT NULL,
  size          INTEGER NOT NULL,
  etag          TEXT NOT NULL,
  last_modified TEXT NOT NULL,
  PRIMARY KEY (upload_id, part_number)
) WITHOUT ROWID;
CREATE TRIGGER s3_objects_follow_jobs AFTER DELETE ON jobs
BEGIN
  DELETE FROM s3_objects WHERE job_id = OLD.id;
END;
DELETE FROM s3_objects WHERE job_id != '' AND job_id NOT IN (SELECT id FROM jobs);
)sql",
};
constexpr int kMigrationCount = sizeof(kMigrations) / sizeof(kMigrations[0]);
static_assert(kMigrationCount == kJobSchemaVersion, "one migration per schema version");

int UserVersion(SQLite::Database& db) { return db.execAndGet("PRAGMA user_version").getInt(); }

}  // namespace

void ConfigureWriter(SQLite::Database& db) {
  db.setBusyTimeout(kSqliteBusyTimeoutMs);
  std::string mode = db.execAndGet("PRAGMA journal_mode = WAL").getString();
  if (mode != "wal") {
    throw SQLite::Exception("could not switch the job database to WAL mode (got " + mode + ")");
  }
  db.exec("PRAGMA synchronous = FULL");
  db.exec("PRAGMA foreign_keys = ON");
}

void ConfigureReader(SQLite::Database& db) {
  db.setBusyTimeout(kSqliteBusyTimeoutMs);
  db.exec("PRAGMA foreign_keys = ON");
}

void MigrateJobSchema(SQLite::Database& db) {
  SQLite::Transaction txn(db, SQLite::TransactionBehavior::IMMEDIATE);
  int version = UserVersion(db);
  if (version > kJobSchemaVersion) {
    throw SQLite::Exception("job database schema " + std::to_string(version) +
                            " is newer than this edgepix understands (" +
                            std::to_string(kJobSchemaVersion) + ")");
  }
  for (; version < kJobSchemaVersion; ++version) {
    db.exec(kMigrations[version]);
    db.exec("PRAGMA user_version = " + std::to_string(version + 1));
  }
  txn.commit();
}

}  // namespace edgepix
