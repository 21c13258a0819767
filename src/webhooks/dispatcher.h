// Dispatcher: the webhook delivery thread and the deliveries' read/retry side.
//
// One std::thread (not an image worker, not an HTTP thread) sends the due
// outbox rows one at a time, signed (webhooks/signer.h), with the same
// webhook-id on every attempt and a fresh webhook-timestamp. Any 2xx is
// delivered; anything else (or no answer within the timeout) is retried after
// the next delay of the schedule, or after Retry-After when the answer asks
// for longer; when the schedule is used up the row is dead. A 410 Gone makes
// the row dead and disables its endpoint until restart (its other rows then
// end dead without being sent). One log line ("webhook") per attempt;
// metrics: edgepix_webhook_deliveries_total{outcome}, edgepix_webhook_outbox_depth,
// edgepix_webhook_delivery_latency_seconds (event -> 2xx).
//
// The thread claims the due rows (webhooks/outbox.h: on PostgreSQL, one at a
// time, each for one attempt, so several nodes share the outbox), sleeps until
// the next row is due or Wake() (called after a commit that wrote outbox
// rows, and on PostgreSQL on another node's NOTIFY and every re-check).
// A row claimed and not sent because of a shutdown is released. Delivery is
// at least once: a crash between a 2xx and its record sends the row again
// (after restart; on PostgreSQL by any node once the claim's lease ends).
// Construct before the stores (their hooks call Wake()), Start() once they
// are open, Stop() (or the destructor) before they close. Thread-safe.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "http/webhook_deliveries.h"
#include "jobs/pg_job_store.h"
#include "jobs/sqlite_stores.h"
#include "webhooks/config.h"
#include "webhooks/outbox.h"
#include "webhooks/sender.h"

namespace edgepix::webhooks {

class Dispatcher : public http::WebhookDeliveries {
 public:
  explicit Dispatcher(WebhookConfig config);
  ~Dispatcher() override;

  // Adds the outbox writes to `hooks` (job and batch terminal events, to the
  // --webhook endpoints and the batch's callback_url) and the wake-up after
  // their commit. The Dispatcher must outlive the stores opened with them.
  void InstallHooks(SqliteStoreHooks* hooks);
  // The same for the PostgreSQL stores (rows written by PgOutbox::Write).
  void InstallHooks(PgStoreHooks* hooks);
  // Starts the thread on `outbox` (SqliteOutbox on the stores' file, or
  // PgOutbox on their database).
  void Start(std::unique_ptr<Outbox> outbox);
  void Wake();
  // Aborts a send in progress and joins the thread. Idempotent.
  void Stop();

  Result<std::vector<http::DeliveryView>> List(const std::string& status, int limit) override;
  Result<http::DeliveryView> Retry(const std::string& id) override;

 private:
  void Run();
  void Attempt(Sender& sender, const Delivery& d);
  void UpdateDepth(bool force);

  const WebhookConfig config_;
  std::unique_ptr<Outbox> outbox_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool woken_ = false;
  std::atomic<bool> stopping_{false};
  std::set<std::string> gone_;                        // endpoints that answered 410 (thread only)
  std::chrono::steady_clock::time_point depth_read_;  // thread only
};

}  // namespace edgepix::webhooks
