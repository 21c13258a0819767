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
//    inserting its job. Batch changes are NOTIFYed (payload the batch id).
//  - PgStoreHooks, like SqliteStoreHooks: on_job_terminal runs INSIDE the
//    transaction that makes a job COMPLETED or FAILED (a worker's result, or a
//    lease reclaim's poison verdict), after the job row is written and before
//    its batch is recounted; on_batch_terminal INSIDE the one that makes a
//    batch COMPLETED, PARTIAL or FAILED (exactly once per batch, whichever
//    node's change it is). Either may write rows of its own on `txn` (the
//    webhook outbox); they commit or roll back with the change, and what it
//    throws rolls the change back and becomes the call's error. They must not
//    call the stores. A transaction retried after a lost connection runs them
//    again (the first run was rolled back). on_events_committed runs AFTER the
//    commit of a transaction in which either ran (keep it short: wake a
//    delivery thread).
//    Import (for `edgepix migrate`) writes a copied job as it is, its batch
//    neither checked nor recounted (the batch is imported with its counts).
//
// A lost connection (database restart) fails the calls that were using it
// with kUnavailable (transient: workers and the processor retry) after one
// reconnect attempt; the pool reconnects. Thread-safe. The destructor stops
// the heartbeat and closes the connections (leases held then expire).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "jobs/batch_store.h"
#include "jobs/grant_store.h"
#include "jobs/job_store.h"

namespace edgepix {

inline constexpr const char* kPgChangeChannel = "edgepix_jobs";

class PgConn;

struct PgStoreHooks {
  std::function<void(PgConn& txn, const Job& job)> on_job_terminal;
  std::function<void(PgConn& txn, const Batch& batch)> on_batch_terminal;
  std::function<void()> on_events_committed;
  // After a heartbeat's lease reclaim committed, the jobs it ended FAILED
  // "poison": their stalled node's variants are the caller's to remove (no
  // run writes them again: the stalled node's late publish is refused).
  // Called on the heartbeat thread, outside any transaction.
  std::function<void(const std::vector<std::string>& ids)> after_poisoned;
};

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
// pool and may be destroyed in any order; the hooks must stay callable while
// any store lives.
Result<PgStores> OpenPgStores(const PgJobStoreOptions& options, PgStoreHooks hooks = {});
// The job store alone.
Result<std::unique_ptr<JobStore>> OpenPgJobStore(const PgJobStoreOptions& options);

// Whether `url` names a PostgreSQL database (postgres:// or postgresql://).
bool IsPostgresUrl(const std::string& url);

}  // namespace edgepix
