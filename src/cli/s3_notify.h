// --s3-notify: S3 event notifications (ObjectCreated:Put, :Copy,
// :CompleteMultipartUpload, ObjectRemoved:Delete)
// for the objects of the S3 listener, written to the webhook outbox in the
// transaction that changes the object's metadata (the object index's change
// hook: SQLite's, or PostgreSQL's so any node's change is sent once, by any node) and delivered,
// signed and retried by the webhook Dispatcher like the job and batch events. Wiring only; the
// index and dispatcher must outlive it.
#pragma once

#include <string>
#include <vector>

#include "s3/pg_indexes.h"
#include "s3/sqlite_object_index.h"
#include "webhooks/dispatcher.h"

namespace edgepix::cli {

// S3's eventName for a change ("ObjectCreated:Copy", ...).
std::string S3EventName(s3::ObjectChangeKind kind);

// Does nothing when `endpoints` is empty.
void InstallS3Notify(s3::SqliteObjectIndex* index, std::vector<std::string> endpoints,
                     std::string region, webhooks::Dispatcher* dispatcher);

// The same for the PostgreSQL object index (s3::OpenPgObjectIndex's hooks);
// empty hooks when `endpoints` is empty.
s3::PgObjectHooks PgS3NotifyHooks(std::vector<std::string> endpoints, std::string region,
                                  webhooks::Dispatcher* dispatcher);

}  // namespace edgepix::cli
