// What the PostgreSQL stores of one database share (internal to
// src/jobs/pg_*): the options, the hooks and the connection pool, and RunPg, which runs
// one unit of work on a pooled connection and turns what it throws into a
// Status. Thread-safe (the pool is).
#pragma once

#include <memory>
#include <string>
#include <utility>

#include "jobs/pg_conn.h"
#include "jobs/pg_job_store.h"

namespace edgepix {

struct PgShared {
  PgJobStoreOptions options;
  PgStoreHooks hooks;
  std::unique_ptr<PgPool> pool;
};

// Runs hooks.on_job_terminal for `job` (just written, terminal) on `txn`;
// true (an event was written: call EventsCommitted after the commit).
bool RunJobTerminalHook(const PgStoreHooks& hooks, PgConn& txn, const Job& job);
// hooks.on_events_committed, when `events` and set.
void EventsCommitted(const PgStoreHooks& hooks, bool events);

// Runs `fn(conn)` on a pooled connection. A lost connection (a database
// restart) is retried once on a fresh one when `retry_lost`: `fn` must then be
// safe to run twice (each is one transaction, rolled back when it broke).
template <typename Fn>
auto RunPg(PgPool& pool, const std::string& what, Fn&& fn, bool retry_lost = true)
    -> decltype(fn(std::declval<PgConn&>())) {
  for (int attempt = 0;; ++attempt) {
    try {
      auto lease = pool.Acquire();
      return fn(lease.conn());
    } catch (const PgError& e) {
      if (e.lost() && retry_lost && attempt == 0) continue;
      return StatusFromPgError(what, e);
    } catch (const std::exception& e) {
      return StatusFromPgError(what, e);
    }
  }
}

std::unique_ptr<JobStore> MakePgJobStore(std::shared_ptr<PgShared> shared);
std::unique_ptr<BatchStore> MakePgBatchStore(std::shared_ptr<PgShared> shared);
std::unique_ptr<GrantStore> MakePgGrantStore(std::shared_ptr<PgShared> shared);

}  // namespace edgepix
