#include "jobs/pg_schema.h"

#include <string>

namespace edgepix {
namespace {

// Advisory lock keys of edgepix (an arbitrary constant: 'EDGEPIX' folded).
constexpr const char* kMigrationLock = "4542500001";

// Step i takes the database from version i to i + 1. Append, never edit.
// The columns mirror the SQLite store's (jobs/job_row_codec.h lists them), plus
// the lease: which node is processing a PROCESSING job and until when (the
// database's clock, so nodes' clocks need not agree).
const char* const kMigrations[] = {
    R"sql(
CREATE TABLE jobs (
  id              TEXT PRIMARY KEY,
  seq             BIGINT NOT NULL UNIQUE,
  status          TEXT NOT NULL
                  CHECK (status IN ('PENDING', 'PROCESSING', 'COMPLETED', 'FAILED')),
  version         BIGINT NOT NULL,
  filename        TEXT NOT NULL DEFAULT '',
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  original_bytes  BIGINT NOT NULL DEFAULT 0,
  original_format TEXT NOT NULL DEFAULT '',
  original_width  INTEGER NOT NULL DEFAULT 0,
  original_height INTEGER NOT NULL DEFAULT 0,
  sha256          TEXT NOT NULL DEFAULT '',
  metadata_json   TEXT NOT NULL DEFAULT '{}',
  variants_json   TEXT NOT NULL DEFAULT '[]',
  error_code      TEXT,
  error_message   TEXT,
  attempts        INTEGER NOT NULL DEFAULT 0,
  spec_key        TEXT NOT NULL DEFAULT '',
  suspect         BOOLEAN NOT NULL DEFAULT false,
  warnings_json   TEXT NOT NULL DEFAULT '[]',
  batch_id        TEXT NOT NULL DEFAULT '',
  uploader        TEXT NOT NULL DEFAULT '',
  thumbhash       BYTEA NOT NULL DEFAULT '',
  moderation      TEXT NOT NULL DEFAULT 'approved'
                  CHECK (moderation IN ('approved', 'pending', 'hidden')),
  leased_by       TEXT NOT NULL DEFAULT '',
  leased_until    TIMESTAMPTZ
);
CREATE SEQUENCE job_seq;
CREATE INDEX jobs_status_seq ON jobs (status, seq);
CREATE INDEX jobs_sha256 ON jobs (sha256);
CREATE INDEX jobs_batch_status ON jobs (batch_id, status);
CREATE INDEX jobs_moderation_seq ON jobs (moderation, seq);
CREATE INDEX jobs_leased_by ON jobs (leased_by) WHERE status = 'PROCESSING';
CREATE TABLE job_events (
  seq        BIGSERIAL PRIMARY KEY,
  kind       TEXT NOT NULL
             CHECK (kind IN ('completed', 'failed', 'deleted', 'approved', 'hidden')),
  job_id     TEXT NOT NULL,
  created_at TEXT NOT NULL
);
)sql",
    // 1 -> 2: batches (jobs/batch.h) and upload grants (jobs/grant_store.h),
    // as in the SQLite store; a batch's counts are recomputed in every
    // transaction that changes one of its jobs.
    R"sql(
CREATE TABLE batches (
  id            TEXT PRIMARY KEY,
  seq           BIGINT NOT NULL UNIQUE,
  status        TEXT NOT NULL
                CHECK (status IN ('OPEN', 'PROCESSING', 'COMPLETED', 'PARTIAL', 'FAILED')),
  version       BIGINT NOT NULL,
  metadata_json TEXT NOT NULL DEFAULT 'null',
  callback_url  TEXT NOT NULL DEFAULT '',
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  closed_at     TEXT NOT NULL DEFAULT '',
  total         BIGINT NOT NULL DEFAULT 0,
  pending       BIGINT NOT NULL DEFAULT 0,
  processing    BIGINT NOT NULL DEFAULT 0,
  completed     BIGINT NOT NULL DEFAULT 0,
  failed        BIGINT NOT NULL DEFAULT 0
);
CREATE SEQUENCE batch_seq;
CREATE INDEX batches_status_created ON batches (status, created_at);
CREATE TABLE upload_grants (
  id         TEXT PRIMARY KEY,
  batch_id   TEXT NOT NULL DEFAULT '',
  max_bytes  BIGINT NOT NULL DEFAULT 0,
  expires_at BIGINT NOT NULL,
  used_at    TEXT NOT NULL DEFAULT '',
  job_id     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX upload_grants_expires ON upload_grants (expires_at);
)sql",
    // 2 -> 3: the webhook outbox (webhooks/pg_outbox.h), the SQLite one's
    // columns (times in Unix milliseconds of the writing node's clock) plus
    // seq (the listing order) and the claim: which node is sending a row and
    // until when (the database's clock), so several nodes share the outbox.
    R"sql(
CREATE TABLE webhook_outbox (
  id              TEXT PRIMARY KEY,
  seq             BIGSERIAL UNIQUE,
  type            TEXT NOT NULL,
  subject_id      TEXT NOT NULL,
  endpoint        TEXT NOT NULL,
  body            TEXT NOT NULL,
  created_at      BIGINT NOT NULL,
  next_attempt_at BIGINT NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  status          TEXT NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'delivered', 'dead')),
  last_status     INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT NOT NULL DEFAULT '',
  delivered_at    BIGINT NOT NULL DEFAULT 0,
  claimed_by      TEXT NOT NULL DEFAULT '',
  claimed_until   TIMESTAMPTZ
);
CREATE INDEX webhook_outbox_due ON webhook_outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_outbox_status_seq ON webhook_outbox (status, seq);
)sql",
    // 3 -> 4: the S3-compatible endpoint (s3/object_index.h,
    // s3/multipart_index.h), as in the SQLite store, shared by the nodes. Keys
    // are BYTEA so they compare bytewise (S3's listing order) whatever the
    // database's collation; a row that follows a job is deleted with it (the
    // trigger, in the deleting transaction). An upload's claim: which node is
    // completing, aborting or sweeping it, until when (the database's clock).
    R"sql(
CREATE TABLE s3_buckets (
  name       TEXT COLLATE "C" PRIMARY KEY,
  created_at TEXT NOT NULL
);
CREATE TABLE s3_objects (
  bucket        TEXT COLLATE "C" NOT NULL REFERENCES s3_buckets (name),
  key           BYTEA NOT NULL,
  blob_id       TEXT NOT NULL DEFAULT '',
  job_id        TEXT NOT NULL DEFAULT '',
  size          BIGINT NOT NULL,
  etag          TEXT NOT NULL,
  content_type  TEXT NOT NULL DEFAULT '',
  last_modified TEXT NOT NULL,
  PRIMARY KEY (bucket, key)
);
CREATE INDEX s3_objects_job ON s3_objects (job_id) WHERE job_id <> '';
CREATE TABLE s3_uploads (
  upload_id    TEXT PRIMARY KEY,
  bucket       TEXT COLLATE "C" NOT NULL REFERENCES s3_buckets (name),
  key          BYTEA NOT NULL,
  content_type TEXT NOT NULL DEFAULT '',
  initiated    TEXT NOT NULL,
  claimed_by   TEXT NOT NULL DEFAULT '',
  claimed_until TIMESTAMPTZ
);
CREATE INDEX s3_uploads_key ON s3_uploads (bucket, key, upload_id);
CREATE INDEX s3_uploads_initiated ON s3_uploads (initiated);
CREATE TABLE s3_parts (
  upload_id     TEXT NOT NULL REFERENCES s3_uploads (upload_id) ON DELETE CASCADE,
  part_number   INTEGER NOT NULL,
  blob_id       TEXT NOT NULL,
  size          BIGINT NOT NULL,
  etag          TEXT NOT NULL,
  last_modified TEXT NOT NULL,
  PRIMARY KEY (upload_id, part_number)
);
CREATE INDEX s3_parts_blob ON s3_parts (blob_id);
CREATE FUNCTION s3_objects_follow_jobs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM s3_objects WHERE job_id = OLD.id;
  RETURN OLD;
END;
$$;
CREATE TRIGGER s3_objects_follow_jobs AFTER DELETE ON jobs
  FOR EACH ROW EXECUTE FUNCTION s3_objects_follow_jobs();
)sql",
};
constexpr int kMigrationCount = sizeof(kMigrations) / sizeof(kMigrations[0]);
static_assert(kMigrationCount == kPgJobSchemaVersion, "one migration per schema version");

int CurrentVersion(PgConn& conn) {
  conn.Exec("CREATE TABLE IF NOT EXISTS edgepix_schema (version INTEGER NOT NULL)");
  PgResult r = conn.Exec("SELECT COALESCE(MAX(version), 0) FROM edgepix_schema");
  return static_cast<int>(r.int64(0, 0));
}

}  // namespace

void MigratePgJobSchema(PgConn& conn) {
  conn.Exec("SELECT pg_advisory_lock($1)", {kMigrationLock});
  try {
    int version = CurrentVersion(conn);
    if (version > kPgJobSchemaVersion) {
      throw PgError("job database schema " + std::to_string(version) +
                        " is newer than this edgepix understands (" +
                        std::to_string(kPgJobSchemaVersion) + ")",
                    "", false);
    }
    for (; version < kPgJobSchemaVersion; ++version) {
      PgTransaction txn(conn);
      conn.ExecScript(kMigrations[version]);
      conn.Exec("INSERT INTO edgepix_schema (version) VALUES ($1)", {std::to_string(version + 1)});
      txn.Commit();
    }
  } catch (...) {
    if (conn.healthy()) conn.Exec("SELECT pg_advisory_unlock($1)", {kMigrationLock});
    throw;
  }
  conn.Exec("SELECT pg_advisory_unlock($1)", {kMigrationLock});
}

}  // namespace edgepix
