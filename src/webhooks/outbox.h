// Outbox: the durable webhook deliveries, one row of the job database's
// webhook_outbox table (migration 5, jobs/sqlite_schema.cpp) per (event,
// endpoint).
//
// Write() adds an event's rows inside a transaction of the job stores (a
// SqliteStoreHooks hook), so the event commits or rolls back with the state
// change that causes it. Attempts and retries are written through the stores'
// writer too (SqliteWriteFn, serialised with their transactions by their lock,
// so a delivery never waits on SQLite's busy polling behind a stream of job
// changes); reads use the Outbox's own connection (WAL: never blocked). A row
// is `pending` until an attempt gets a 2xx (`delivered`) or the retry schedule
// runs out (`dead`); Retry() makes any row pending again. Times are Unix
// milliseconds. Thread-safe (one mutex around the reading connection).
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "jobs/sqlite_stores.h"

namespace edgepix::webhooks {

struct OutboxEvent {
  std::string type;        // job.completed, job.failed, batch.completed
  std::string subject_id;  // the job's or the batch's id
  std::string body;        // the request body, as sent on every attempt
  int64_t created_ms = 0;
  std::vector<std::string> endpoints;  // one row each (duplicates dropped)
};

struct Delivery {
  std::string id;  // msg_..., the webhook-id header
  std::string type;
  std::string subject_id;
  std::string endpoint;
  std::string body;
  int64_t created_ms = 0;
  int64_t next_attempt_ms = 0;
  int attempts = 0;
  std::string status;   // pending, delivered, dead
  int last_status = 0;  // HTTP status of the last attempt, 0 = no answer
  std::string last_error;
  int64_t delivered_ms = 0;
};

// The outcome of one attempt, as recorded.
struct AttemptRecord {
  int http_status = 0;
  std::string error;  // empty when delivered
  bool delivered = false;
  bool dead = false;            // no further attempt
  int64_t next_attempt_ms = 0;  // when neither delivered nor dead
};

int64_t NowMs();

class Outbox {
 public:
  // Inserts the event's rows on `txn` (the stores' writer, inside their
  // transaction). Throws SQLite::Exception like the stores' own writes.
  static void Write(SQLite::Database& txn, const OutboxEvent& event);

  // Opens its own reading connection to the (already migrated) database at
  // `path`; writes go through `write` (SqliteStores::write of the same file).
  Outbox(const std::string& path, SqliteWriteFn write);

  // Up to `limit` pending rows due at `now_ms`, earliest first.
  Result<std::vector<Delivery>> Due(int64_t now_ms, int limit);
  // The earliest next_attempt_ms of a pending row, nullopt when none.
  Result<std::optional<int64_t>> NextDue();
  // Records an attempt of row `id` (attempts + 1).
  Status Record(const std::string& id, int64_t now_ms, const AttemptRecord& attempt);
  // The newest `limit` rows, of one status when `status` is not empty.
  Result<std::vector<Delivery>> List(const std::string& status, int limit);
  // Makes row `id` pending again, due now (one more attempt; a failure then
  // follows the schedule from its attempt count). kNotFound if unknown.
  Status Retry(const std::string& id);
  Result<int64_t> CountPending();
  // One row; kNotFound if unknown.
  Result<Delivery> Get(const std::string& id);

 private:
  std::mutex mu_;
  SQLite::Database db_;
  SqliteWriteFn write_;
};

}  // namespace edgepix::webhooks
