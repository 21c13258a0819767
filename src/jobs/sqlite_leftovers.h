// What `edgepix migrate` reads from an embedded job database (jobs.db) past
// the store interfaces: the upload grants to copy (GrantStore cannot list),
// and counts of the state that needs more than the stores' copy: outbox rows
// still to be delivered (moved by the webhook outbox, webhooks/pg_outbox.h),
// batches still to call their callback_url, and the S3 listener's objects,
// which the PostgreSQL stores keep no tables for (a migration refuses to
// leave them behind unasked).
//
// Only what still matters is counted or read: outbox rows still to be
// delivered (delivered or dead ones are history), batches still to call
// their callback_url, every object of the S3 listener; grants not expired at
// `now_unix`, used or not (a used one answers "used", not "unknown"). Reads
// the file read-only with its own connection; stateless, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "jobs/grant_store.h"

namespace edgepix {

struct SqliteLeftovers {
  int64_t pending_webhooks = 0;
  int64_t batch_callbacks = 0;
  int64_t s3_objects = 0;
  bool any() const { return pending_webhooks + batch_callbacks + s3_objects > 0; }
};

// kUnavailable when the file cannot be read. Tables a schema does not have
// yet count 0.
Result<SqliteLeftovers> CountSqliteLeftovers(const std::string& db_path);

// The grants that expire after `now_unix`, by id.
Result<std::vector<UploadGrant>> ReadSqliteGrants(const std::string& db_path, int64_t now_unix);

}  // namespace edgepix
