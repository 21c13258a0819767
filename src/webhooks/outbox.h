// Outbox: the durable webhook deliveries, one row per (event, endpoint), in
// the job database: an interface with two implementations, SqliteOutbox (this
// file: the embedded jobs.db, one node) and PgOutbox (webhooks/pg_outbox.h:
// one PostgreSQL shared by several nodes). Both make the same promises:
//  - an event's rows are written by a store hook inside the transaction of
//    the state change that causes it (SqliteOutbox::Write, PgOutbox::Write),
//    so they commit or roll back with it: a crash never loses or invents one;
//  - a row is `pending` until an attempt gets a 2xx (`delivered`) or the
//    retry schedule runs out (`dead`); Retry() makes any row pending again;
//  - Claim() hands a due pending row to one sender at a time: with
//    SqliteOutbox there is only this node's dispatcher; PgOutbox claims rows
//    for this node until a lease expires, so another node takes over the rows
//    of one that died mid-send. Release() gives a claimed row back unsent.
//  - Times are Unix milliseconds. Implementations are thread-safe.
//
// SqliteOutbox: attempts and retries are written through the stores' writer
// (SqliteWriteFn, serialised with their transactions by their lock, so a
// delivery never waits on SQLite's busy polling behind a stream of job
// changes); reads use its own connection (WAL: never blocked), one mutex
// around it. Its claims are plain reads (one sender: this process).
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
  virtual ~Outbox() = default;

  // Up to `limit` pending rows due at `now_ms`, earliest first, now claimed
  // by this node (an implementation may return fewer than asked, see
  // PgOutbox).
  virtual Result<std::vector<Delivery>> Claim(int64_t now_ms, int limit) = 0;
  // A claimed row given back unsent (shutdown): due again at once for anyone.
  virtual Status Release(const std::string& id) = 0;
  // When a pending row may next be claimed here (its next_attempt_ms, or the
  // end of another node's claim), nullopt when none is pending.
  virtual Result<std::optional<int64_t>> NextDue() = 0;
  // Records an attempt of claimed row `id` (attempts + 1) and ends the claim.
  // kConflict when this node's claim was taken over (the other sender's
  // attempt counts).
  virtual Status Record(const std::string& id, int64_t now_ms, const AttemptRecord& attempt) = 0;
  // The newest `limit` rows (1..1000), of one status when `status` is not empty.
  virtual Result<std::vector<Delivery>> List(const std::string& status, int limit) = 0;
  // Makes row `id` pending again, due now (one more attempt; a failure then
  // follows the schedule from its attempt count). kNotFound if unknown.
  virtual Status Retry(const std::string& id) = 0;
  virtual Result<int64_t> CountPending() = 0;
  // One row; kNotFound if unknown.
  virtual Result<Delivery> Get(const std::string& id) = 0;
};

class SqliteOutbox : public Outbox {
 public:
  // Inserts the event's rows on `txn` (the stores' writer, inside their
  // transaction). Throws SQLite::Exception like the stores' own writes.
  static void Write(SQLite::Database& txn, const OutboxEvent& event);

  // Opens its own reading connection to the (already migrated) database at
  // `path`; writes go through `write` (SqliteStores::write of the same file).
  SqliteOutbox(const std::string& path, SqliteWriteFn write);

  Result<std::vector<Delivery>> Claim(int64_t now_ms, int limit) override;
  Status Release(const std::string& id) override;
  Result<std::optional<int64_t>> NextDue() override;
  Status Record(const std::string& id, int64_t now_ms, const AttemptRecord& attempt) override;
  Result<std::vector<Delivery>> List(const std::string& status, int limit) override;
  Status Retry(const std::string& id) override;
  Result<int64_t> CountPending() override;
  Result<Delivery> Get(const std::string& id) override;
  // Every pending row, oldest first (what `edgepix migrate` moves).
  Result<std::vector<Delivery>> AllPending();

 private:
  std::mutex mu_;
  SQLite::Database db_;
  SqliteWriteFn write_;
};

}  // namespace edgepix::webhooks
