#include "webhooks/dispatcher.h"

#include <algorithm>

#include "common/log.h"
#include "common/metrics.h"
#include "jobs/sqlite_job_row.h"
#include "webhooks/event_body.h"
#include "webhooks/pg_outbox.h"
#include "webhooks/retry_policy.h"
#include "webhooks/signer.h"

namespace edgepix::webhooks {
namespace {

constexpr int kDueBatch = 64;
constexpr auto kIdleWait = std::chrono::seconds(60);

metrics::Family& Deliveries() {
  return metrics::Registry::Default().Counter(
      "edgepix_webhook_deliveries_total", "webhook attempts by outcome (delivered, retry, dead)",
      {"outcome"});
}

metrics::Family& Depth() {
  return metrics::Registry::Default().Gauge("edgepix_webhook_outbox_depth",
                                            "webhook deliveries pending in the outbox");
}

metrics::Family& Latency() {
  return metrics::Registry::Default().Histogram(
      "edgepix_webhook_delivery_latency_seconds",
      "from the event's commit to its endpoint's 2xx, retries included", {},
      {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 7200, 36000});
}

// Between reads of the outbox depth (a COUNT) while rows are being sent.
constexpr auto kDepthEvery = std::chrono::seconds(1);
// The least wait after a claim found nothing (clocks of nodes and database
// may differ a little: no busy loop on a row another node holds).
constexpr auto kMinWait = std::chrono::milliseconds(50);

OutboxEvent JobEvent(const WebhookConfig& config, const Job& job, std::string callback) {
  OutboxEvent e;
  e.endpoints = config.endpoints;
  e.endpoints.push_back(std::move(callback));
  e.type = JobEventType(job);
  e.subject_id = job.id;
  e.body = JobEventBody(e.type, job, job.updated_at);
  e.created_ms = NowMs();
  return e;
}

OutboxEvent BatchEvent(const WebhookConfig& config, const Batch& batch) {
  OutboxEvent e;
  e.endpoints = config.endpoints;
  e.endpoints.push_back(batch.callback_url);
  e.type = "batch.completed";
  e.subject_id = batch.id;
  e.body = BatchEventBody(batch, batch.updated_at);
  e.created_ms = NowMs();
  return e;
}

// The batch's callback_url, read in the event's transaction.
std::string CallbackOf(SQLite::Database& txn, const std::string& batch_id) {
  if (batch_id.empty()) return "";
  SQLite::Statement st(txn, "SELECT callback_url FROM batches WHERE id = ?");
  st.bind(1, batch_id);
  return st.executeStep() ? st.getColumn(0).getString() : "";
}

}  // namespace

Dispatcher::Dispatcher(WebhookConfig config) : config_(std::move(config)) {
  // Every family exists (at zero) from the start, for scrapers.
  for (const char* outcome : {"delivered", "retry", "dead"}) Deliveries().Add({outcome}, 0);
  Depth().Set({}, 0);
  Latency();
}

Dispatcher::~Dispatcher() { Stop(); }

void Dispatcher::InstallHooks(SqliteStoreHooks* hooks) {
  const WebhookConfig* config = &config_;
  hooks->on_job_terminal = [config](SQLite::Database& txn, const Job& job) {
    SqliteOutbox::Write(txn, JobEvent(*config, job, CallbackOf(txn, job.batch_id)));
  };
  hooks->on_batch_terminal = [config](SQLite::Database& txn, const Batch& batch) {
    SqliteOutbox::Write(txn, BatchEvent(*config, batch));
  };
  hooks->on_events_committed = [this] { Wake(); };
}

void Dispatcher::InstallHooks(PgStoreHooks* hooks) {
  const WebhookConfig* config = &config_;
  hooks->on_job_terminal = [config](PgConn& txn, const Job& job) {
    PgOutbox::Write(txn, JobEvent(*config, job, PgOutbox::CallbackOf(txn, job.batch_id)));
  };
  hooks->on_batch_terminal = [config](PgConn& txn, const Batch& batch) {
    PgOutbox::Write(txn, BatchEvent(*config, batch));
  };
  hooks->on_events_committed = [this] { Wake(); };
}

void Dispatcher::Start(std::unique_ptr<Outbox> outbox) {
  outbox_ = std::move(outbox);
  thread_ = std::thread([this] { Run(); });
}

void Dispatcher::Wake() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    woken_ = true;
  }
  cv_.notify_one();
}

void Dispatcher::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void Dispatcher::Run() {
  Sender sender(config_.timeout, &stopping_);
  bool sent = true;  // since the depth was last read (read once at start)
  while (!stopping_) {
    auto due = outbox_->Claim(NowMs(), kDueBatch);
    if (due.ok()) {
      for (const Delivery& d : *due) {
        if (stopping_) {
          // Claimed, never sent: free for another node at once.
          if (Status st = outbox_->Release(d.id); !st.ok()) {
            log::Warning("webhook outbox: " + st.message());
          }
          continue;
        }
        Attempt(sender, d);
        sent = true;
      }
      // Read at most every kDepthEvery while sending, and once the outbox
      // has nothing due (not on every wake-up of an idle node).
      if (!due->empty() || sent) UpdateDepth(due->empty());
      if (due->empty()) sent = false;
      if (!due->empty()) continue;
    } else {
      log::Warning("webhook outbox: " + due.status().message());
    }
    auto next = outbox_->NextDue();
    std::unique_lock<std::mutex> lock(mu_);
    if (woken_ || stopping_) {
      woken_ = false;
      continue;
    }
    auto wait = std::chrono::milliseconds(kIdleWait);
    if (next.ok() && next->has_value()) {
      wait = std::clamp(std::chrono::milliseconds(**next - NowMs()),
                        std::chrono::milliseconds(kMinWait), wait);
    }
    cv_.wait_for(lock, wait, [&] { return woken_ || stopping_.load(); });
    woken_ = false;
  }
}

void Dispatcher::Attempt(Sender& sender, const Delivery& d) {
  const int attempt = d.attempts + 1;
  const int64_t started = NowMs();
  AttemptRecord rec;
  SendResult sent;
  if (gone_.count(d.endpoint) > 0) {
    rec.dead = true;
    rec.error = "endpoint disabled until restart: it answered 410 Gone";
  } else {
    const int64_t ts = started / 1000;
    sent = sender.Post(d.endpoint,
                       {{"Content-Type", "application/json"},
                        {"webhook-id", d.id},
                        {"webhook-timestamp", std::to_string(ts)},
                        {"webhook-signature", SignWebhook(config_.key, d.id, ts, d.body)}},
                       d.body);
    if (stopping_ && !sent.ok()) {  // aborted by shutdown: not an attempt
      if (Status st = outbox_->Release(d.id); !st.ok()) {
        log::Warning("webhook outbox: " + st.message());
      }
      return;
    }
    rec.http_status = sent.http_status;
    rec.error = sent.error;
    const AttemptDecision next = DecideAfterAttempt(attempt, config_.retry_schedule, sent);
    rec.delivered = next.delivered;
    rec.dead = next.dead;
    if (next.disable_endpoint) gone_.insert(d.endpoint);
    if (!next.delivered && !next.dead) rec.next_attempt_ms = NowMs() + next.delay_ms;
  }
  const int64_t now = NowMs();
  if (Status st = outbox_->Record(d.id, now, rec); !st.ok()) {
    log::Warning("webhook outbox: " + st.message());
  }
  const char* outcome = rec.delivered ? "delivered" : (rec.dead ? "dead" : "retry");
  Deliveries().Add({outcome});
  if (rec.delivered) Latency().Observe({}, static_cast<double>(now - d.created_ms) / 1000.0);
  log::Fields fields = {{"id", d.id},
                        {"type", d.type},
                        {"subject", d.subject_id},
                        {"endpoint", d.endpoint},
                        {"attempt", static_cast<int64_t>(attempt)},
                        {"status", static_cast<int64_t>(rec.http_status)},
                        {"outcome", std::string(outcome)},
                        {"ms", static_cast<double>(now - started)}};
  if (!rec.error.empty()) fields.push_back({"error", rec.error});
  log::Event("webhook", fields);
}

void Dispatcher::UpdateDepth(bool force) {
  const auto now = std::chrono::steady_clock::now();
  if (!force && now - depth_read_ < kDepthEvery) return;
  depth_read_ = now;
  auto n = outbox_->CountPending();
  if (n.ok()) Depth().Set({}, static_cast<double>(*n));
}

namespace {

http::DeliveryView View(const Delivery& d) {
  return {d.id,          d.type,       d.subject_id, d.endpoint,        d.status,      d.attempts,
          d.last_status, d.last_error, d.created_ms, d.next_attempt_ms, d.delivered_ms};
}

}  // namespace

Result<std::vector<http::DeliveryView>> Dispatcher::List(const std::string& status, int limit) {
  if (!outbox_) return Status::Error(ErrorCode::kUnavailable, "webhooks are not running");
  EDGEPIX_ASSIGN_OR_RETURN(auto rows, outbox_->List(status, limit));
  std::vector<http::DeliveryView> out;
  for (const Delivery& d : rows) out.push_back(View(d));
  return out;
}

Result<http::DeliveryView> Dispatcher::Retry(const std::string& id) {
  if (!outbox_) return Status::Error(ErrorCode::kUnavailable, "webhooks are not running");
  EDGEPIX_RETURN_IF_ERROR(outbox_->Retry(id));
  EDGEPIX_ASSIGN_OR_RETURN(auto row, outbox_->Get(id));
  Wake();
  return View(row);
}

}  // namespace edgepix::webhooks
