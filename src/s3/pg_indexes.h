// The S3 listener's indexes on PostgreSQL (--jobs-url postgres://...): the
// object index (s3/object_index.h; tables s3_buckets, s3_objects) and the
// multipart index (s3/multipart_index.h; s3_uploads, s3_parts) in the job
// database (migration in jobs/pg_schema.cpp, applied here too, under the
// migration's advisory lock), so every node behind a load balancer serves one
// S3 namespace.
//
// Keys are BYTEA: ordered bytewise like SQLite's and S3's, whatever the
// database's collation, and any byte is kept. Each call is one transaction
// on a pooled connection; Put and Delete lock the key's row (SELECT ... FOR
// UPDATE, or the insert's conflict) so two nodes writing one key serialise
// and each gets the row it replaced; PutPart share-locks its upload's row and
// Remove (complete, abort, sweep) locks it for update, so a part recorded on
// one node while another completes is either in the completed list or
// refused (kNotFound). Claim is a row claim (claimed_by, claimed_until):
// one node at a time completes, aborts or sweeps an upload; a claim whose
// node died runs out after `claim_for`. A lost connection (database restart) is
// retried once; errors are StatusFromPgError's (jobs/pg_conn.h).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "common/status.h"
#include "s3/multipart_index.h"
#include "s3/object_index.h"
#include "s3/prefix_batches.h"

namespace edgepix {
class PgConn;
}

namespace edgepix::s3 {

// The object index's change hook on PostgreSQL: as SqliteObjectIndex's
// (s3/object_index.h), run on the transaction's connection before the commit
// of every Put and of every Delete that removed a row; its writes (the
// webhook outbox's rows, webhooks/pg_outbox.h) commit or roll back with the
// object's row; what it throws rolls the change back and becomes the call's
// error. `after_commit` runs after such a commit (keep it short).
using PgObjectChangeHook = std::function<void(PgConn& txn, const ObjectChange& change)>;
struct PgObjectHooks {
  PgObjectChangeHook on_change;
  std::function<void()> after_commit;
};

// Connects (up to `connections` at once) and migrates; kUnavailable when the
// database cannot be reached.
Result<std::unique_ptr<ObjectIndex>> OpenPgObjectIndex(const std::string& url, int connections = 4,
                                                       PgObjectHooks hooks = {});
// `node_id` names this node's claims (unique per process).
Result<std::unique_ptr<MultipartIndex>> OpenPgMultipartIndex(
    const std::string& url, const std::string& node_id,
    std::chrono::seconds claim_for = std::chrono::seconds(600), int connections = 4);

// --s3-complete-marker's cross-node lock (s3/prefix_batches.h): a session
// advisory lock on (a constant class, hashtext(bucket + '/' + prefix)) taken
// on a connection of its own pool and held until the PrefixLock is
// destroyed (two prefixes with one hash share a lock: harmless). A lost
// connection drops the lock with it. `connections` bounds the prefixes this
// node holds at once (the mutex of PrefixBatches keeps it to one).
Result<PrefixLocker> OpenPgPrefixLocker(const std::string& url, int connections = 1);

}  // namespace edgepix::s3
