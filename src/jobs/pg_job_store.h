// The PostgreSQL JobStore: the same promises as the SQLite one (jobs/job_store.h)
// for several edgepix nodes sharing one database.
//
//  - Claims: `SELECT ... FOR UPDATE SKIP LOCKED`, so nodes claim different jobs
//    without waiting on each other. The suspect rule (a suspect runs alone)
//    holds across all nodes: ordinary claims take a shared transaction
//    advisory lock, a claim that may start a suspect takes it exclusively.
//  - Leases: a claimed job carries `leased_by` (this node's id) and
//    `leased_until` (the database's clock). A heartbeat thread renews every
//    lease this node holds each lease/3 and reclaims the jobs of nodes whose
//    every lease expired (a node that died): the same rule as
//    RequeueInterrupted, with "alone" meaning the only job that node was
//    running. A node that lost a lease can no longer publish, finish, fail or
//    retry that job (kConflict), also while the reclaimed job waits PENDING
//    (its leased_by is then "(reclaimed)"), so a job reclaimed from a stalled
//    node is finished once; CheckClaim tells its worker before it removes the
//    files of a failed attempt. Reclaims are counted in
//    edgepix_lease_reclaims_total{outcome="requeued|poisoned"} by the
//    reclaiming node, {outcome="lost"} by the node that finds it lost a lease.
//    A node's own stale worker and a fresh claim of the same job on that same
//    node (same node id) are not told apart.
//    RequeueInterrupted (at start) also reclaims this node id's own jobs
//    from its previous run, without waiting for their leases.
//  - Every change sends NOTIFY on channel kPgChangeChannel (delivered at
//    commit) with the job id as payload, and kJobEventsTopic when it appended
//    to the event log; jobs/pg_change_listener.h turns that into JobNotifier
//    wake-ups on every node.
//  - Event log seqs are allocated under a transaction advisory lock held to
//    the commit, so they become visible in order (a reader never sees seq n+1
//    before n).
//  - Batches and upload grants (OpenPgStores) live in the same database, with
//    the SQLite store's guarantees: a job's change recounts its batch in the
//    same transaction (the batch row locked, so concurrent changes on several
//    nodes end with the right counts), a grant is used up in the transaction
//    inserting its job. There are no store hooks: batch changes are NOTIFYed
//    (payload the batch id); the webhook outbox is not kept here.
//    Import (for `edgepix migrate`) writes a copied job as it is, its batch
//    neither checked nor recounted (the batch is imported with its counts).
//
// A lost connection (database restart) fails the calls that were using it
// with kUnavailable (transient: workers and the processor retry) after one
// reconnect attempt; the pool reconnects. Thread-safe. The destructor stops
// the heartbeat and closes the connections (leases held then expire).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "common/status.h"
#include "jobs/batch_store.h"
#include "jobs/grant_store.h"
#include "jobs/job_store.h"

namespace edgepix {

inline constexpr const char* kPgChangeChannel = "edgepix_jobs";

struct PgJobStoreOptions {
  std::string url;  // libpq connection URI: postgres://user@host:port/db?...
  int connections = 4;
  std::chrono::milliseconds lease{std::chrono::seconds(30)};
  // leased_by of this node's claims; stable across restarts of the same
  // node (so its own interrupted jobs are requeued at once), unique per node.
  std::string node_id = "edgepix";
  // Counted attempts at which a job interrupted alone ends FAILED "poison"
  // (lease reclaims; RequeueInterrupted takes its own argument).
  int max_attempts = 5;
  // How often a node's waiters read the store again without a NOTIFY (one
  // lost while the listener reconnected); for PgChangeListener.
  std::chrono::milliseconds recheck{std::chrono::seconds(5)};
  // Whether to run the heartbeat thread (renew + reclaim); tests that drive
  // reclaims themselves turn it off.
  bool heartbeat = true;
};

struct PgStores {
  std::unique_ptr<JobStore> jobs;
  std::unique_ptr<BatchStore> batches;
  std::unique_ptr<GrantStore> grants;
};

// Connects, applies the schema migrations and starts the heartbeat.
// kUnavailable when the database cannot be reached. The stores share one
// pool and may be destroyed in any order.
Result<PgStores> OpenPgStores(const PgJobStoreOptions& options);
// The job store alone.
Result<std::unique_ptr<JobStore>> OpenPgJobStore(const PgJobStoreOptions& options);

// Whether `url` names a PostgreSQL database (postgres:// or postgresql://).
bool IsPostgresUrl(const std::string& url);

}  // namespace edgepix
