// PgOutbox: the webhook outbox (webhooks/outbox.h) in the PostgreSQL job
// database (table webhook_outbox, migration 3 of jobs/pg_schema.cpp), shared
// by every node on it. The same promises as SqliteOutbox, plus:
//
//  - Write() runs in the store's transaction (a PgStoreHooks hook) and sends
//    NOTIFY kPgChangeChannel with payload kWebhooksTopic (delivered at the
//    commit), so every node's dispatcher wakes (serve routes that payload of
//    the PgChangeListener to Dispatcher::Wake, and its periodic re-check too).
//  - Claim() takes ONE due row per call (`SELECT ... FOR UPDATE SKIP LOCKED`,
//    so nodes claiming together take different rows without waiting) and
//    marks it claimed_by this node until now() + `claim_lease` (the
//    database's clock). The lease must outlast one attempt (the sender's
//    timeout plus a margin): a row is claimed just before it is sent, so a
//    live node never holds a row past its lease and no two nodes send a row
//    at once. A node killed mid-send keeps its claim until the lease expires;
//    then any node claims the row again (at least once: the receiver may have
//    got the first send).
//  - Record() and Release() act only while this node still holds the claim;
//    Record() returns kConflict when it was taken over.
//  - NextDue() counts a row claimed by another node as due when its claim
//    ends, so a node waits for a dead node's lease instead of polling.
//  - Import() writes a row as it is (`edgepix migrate`), unclaimed.
//
// Its own small connection pool (kConnections), apart from the stores'.
// Thread-safe.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "webhooks/outbox.h"

namespace edgepix {
class PgConn;
class PgPool;
}  // namespace edgepix

namespace edgepix::webhooks {

inline constexpr const char* kWebhooksTopic = "webhooks";

struct PgOutboxOptions {
  std::string url;      // libpq URI of the (migrated) job database
  std::string node_id;  // claimed_by of this node's claims
  std::chrono::milliseconds claim_lease{std::chrono::seconds(15)};
};

class PgOutbox : public Outbox {
 public:
  static constexpr int kConnections = 2;  // the dispatcher's, and the API's

  // Inserts the event's rows on `txn` (inside the store's transaction) and
  // its NOTIFY. Throws PgError like the stores' own writes.
  static void Write(PgConn& txn, const OutboxEvent& event);
  // The batch's callback_url, read on `txn` ("" for none or no batch).
  static std::string CallbackOf(PgConn& txn, const std::string& batch_id);

  // kUnavailable when the database cannot be reached.
  static Result<std::unique_ptr<PgOutbox>> Open(const PgOutboxOptions& options);
  ~PgOutbox() override;

  Result<std::vector<Delivery>> Claim(int64_t now_ms, int limit) override;
  Status Release(const std::string& id) override;
  Result<std::optional<int64_t>> NextDue() override;
  Status Record(const std::string& id, int64_t now_ms, const AttemptRecord& attempt) override;
  Result<std::vector<Delivery>> List(const std::string& status, int limit) override;
  Status Retry(const std::string& id) override;
  Result<int64_t> CountPending() override;
  Result<Delivery> Get(const std::string& id) override;
  // Writes `d` as it is, unclaimed; true when written, false when a row with
  // its id is already there with the same event (endpoint, body); kConflict
  // when that row is another event.
  Result<bool> Import(const Delivery& d);

 private:
  explicit PgOutbox(const PgOutboxOptions& options);
  const PgOutboxOptions options_;
  const std::string lease_;  // claim_lease in seconds, as SQL text
  std::unique_ptr<PgPool> pool_;
};

}  // namespace edgepix::webhooks
