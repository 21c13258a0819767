// PgOutbox (see pg_outbox.h): every call one statement on a pooled
// connection (RunPg: a lost connection is retried once where that is safe).
#include "webhooks/pg_outbox.h"

#include <algorithm>

#include "http/crypto.h"
#include "jobs/pg_conn.h"
#include "jobs/pg_job_store.h"
#include "jobs/pg_shared.h"

namespace edgepix::webhooks {
namespace {

const char* const kColumns =
    "id, type, subject_id, endpoint, body, created_at, next_attempt_at, attempts, status, "
    "last_status, last_error, delivered_at";

Delivery ReadRow(const PgResult& r, int row) {
  Delivery d;
  d.id = r.text(row, 0);
  d.type = r.text(row, 1);
  d.subject_id = r.text(row, 2);
  d.endpoint = r.text(row, 3);
  d.body = r.text(row, 4);
  d.created_ms = r.int64(row, 5);
  d.next_attempt_ms = r.int64(row, 6);
  d.attempts = static_cast<int>(r.int64(row, 7));
  d.status = r.text(row, 8);
  d.last_status = static_cast<int>(r.int64(row, 9));
  d.last_error = r.text(row, 10);
  d.delivered_ms = r.int64(row, 11);
  return d;
}

std::string Seconds(std::chrono::milliseconds d) {
  return std::to_string(d.count() / 1000) + "." + std::to_string(1000 + d.count() % 1000).substr(1);
}

}  // namespace

void PgOutbox::Write(PgConn& txn, const OutboxEvent& event) {
  std::vector<std::string> seen;
  for (const std::string& endpoint : event.endpoints) {
    if (endpoint.empty() || std::find(seen.begin(), seen.end(), endpoint) != seen.end()) continue;
    seen.push_back(endpoint);
    // NOTIFYs of one transaction with the same payload are sent once.
    txn.Exec(
        "WITH i AS (INSERT INTO webhook_outbox (id, type, subject_id, endpoint, body, created_at, "
        "next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id) "
        "SELECT pg_notify($7, $8) FROM i",
        {"msg_" + http::RandomHex(12), event.type, event.subject_id, endpoint, event.body,
         std::to_string(event.created_ms), std::string(kPgChangeChannel),
         std::string(kWebhooksTopic)});
  }
}

std::string PgOutbox::CallbackOf(PgConn& txn, const std::string& batch_id) {
  if (batch_id.empty()) return "";
  PgResult r = txn.Exec("SELECT callback_url FROM batches WHERE id = $1", {batch_id});
  return r.rows() == 1 ? r.text(0, 0) : "";
}

PgOutbox::PgOutbox(const PgOutboxOptions& options)
    : options_(options),
      lease_(Seconds(options.claim_lease)),
      pool_(std::make_unique<PgPool>(options.url, kConnections)) {}

PgOutbox::~PgOutbox() = default;

Result<std::unique_ptr<PgOutbox>> PgOutbox::Open(const PgOutboxOptions& options) {
  try {
    return std::unique_ptr<PgOutbox>(new PgOutbox(options));
  } catch (const std::exception& e) {
    return StatusFromPgError("open the webhook outbox", e);
  }
}

Result<std::vector<Delivery>> PgOutbox::Claim(int64_t now_ms, int limit) {
  if (limit < 1) return std::vector<Delivery>();
  // One row per claim: each is sent right after, within its lease.
  return RunPg(*pool_, "claim a webhook delivery", [&](PgConn& c) -> Result<std::vector<Delivery>> {
    PgResult r = c.Exec(
        std::string("WITH c AS (SELECT id FROM webhook_outbox WHERE status = 'pending' AND "
                    "next_attempt_at <= $1 AND (claimed_until IS NULL OR claimed_until < now()) "
                    "ORDER BY next_attempt_at, seq LIMIT 1 FOR UPDATE SKIP LOCKED) "
                    "UPDATE webhook_outbox w SET claimed_by = $2, "
                    "claimed_until = now() + $3::float8 * interval '1 second' "
                    "FROM c WHERE w.id = c.id RETURNING ") +
            "w.id, w.type, w.subject_id, w.endpoint, w.body, w.created_at, w.next_attempt_at, "
            "w.attempts, w.status, w.last_status, w.last_error, w.delivered_at",
        {std::to_string(now_ms), options_.node_id, lease_});
    std::vector<Delivery> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(ReadRow(r, i));
    return out;
  });
}

Status PgOutbox::Release(const std::string& id) {
  return RunPg(*pool_, "release a webhook delivery", [&](PgConn& c) -> Status {
    c.Exec(
        "UPDATE webhook_outbox SET claimed_by = '', claimed_until = NULL "
        "WHERE id = $1 AND claimed_by = $2",
        {id, options_.node_id});
    return Status::Ok();
  });
}

Result<std::optional<int64_t>> PgOutbox::NextDue() {
  return RunPg(*pool_, "read the webhook outbox", [&](PgConn& c) -> Result<std::optional<int64_t>> {
    PgResult r = c.Exec(
        "SELECT MIN(GREATEST(next_attempt_at, CASE WHEN claimed_until > now() "
        "THEN (extract(epoch FROM claimed_until) * 1000)::bigint ELSE 0 END)) "
        "FROM webhook_outbox WHERE status = 'pending'");
    if (r.null(0, 0)) return std::optional<int64_t>();
    return std::optional<int64_t>(r.int64(0, 0));
  });
}

Status PgOutbox::Record(const std::string& id, int64_t now_ms, const AttemptRecord& a) {
  // Not retried on a lost connection: it may have committed (the row would
  // then be sent once more after its lease, never lost).
  return RunPg(
      *pool_, "record a webhook attempt",
      [&](PgConn& c) -> Status {
        PgResult r = c.Exec(
            "UPDATE webhook_outbox SET attempts = attempts + 1, status = $3, last_status = $4, "
            "last_error = $5, next_attempt_at = $6, delivered_at = $7, claimed_by = '', "
            "claimed_until = NULL WHERE id = $1 AND claimed_by = $2",
            {id, options_.node_id,
             std::string(a.delivered ? "delivered" : (a.dead ? "dead" : "pending")),
             std::to_string(a.http_status), a.error,
             std::to_string(a.delivered || a.dead ? now_ms : a.next_attempt_ms),
             std::to_string(a.delivered ? now_ms : int64_t{0})});
        if (r.affected() != 1) {
          return Status::Error(ErrorCode::kConflict, "webhook delivery " + id +
                                                         " was claimed by another node (this "
                                                         "node's claim expired)");
        }
        return Status::Ok();
      },
      false);
}

Result<std::vector<Delivery>> PgOutbox::List(const std::string& status, int limit) {
  return RunPg(*pool_, "list webhook deliveries", [&](PgConn& c) -> Result<std::vector<Delivery>> {
    std::string sql = std::string("SELECT ") + kColumns + " FROM webhook_outbox";
    PgParams p = {std::to_string(std::clamp(limit, 1, 1000))};
    if (!status.empty()) {
      sql += " WHERE status = $2";
      p.push_back(status);
    }
    sql += " ORDER BY seq DESC LIMIT $1";
    PgResult r = c.Exec(sql, p);
    std::vector<Delivery> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(ReadRow(r, i));
    return out;
  });
}

Status PgOutbox::Retry(const std::string& id) {
  return RunPg(*pool_, "retry a webhook delivery", [&](PgConn& c) -> Status {
    PgResult r =
        c.Exec("UPDATE webhook_outbox SET status = 'pending', next_attempt_at = $2 WHERE id = $1",
               {id, std::to_string(NowMs())});
    if (r.affected() == 0) return Status::Error(ErrorCode::kNotFound, "no webhook delivery " + id);
    return Status::Ok();
  });
}

Result<int64_t> PgOutbox::CountPending() {
  return RunPg(*pool_, "count webhook deliveries", [&](PgConn& c) -> Result<int64_t> {
    return c.Exec("SELECT COUNT(*) FROM webhook_outbox WHERE status = 'pending'").int64(0, 0);
  });
}

Result<Delivery> PgOutbox::Get(const std::string& id) {
  return RunPg(*pool_, "read a webhook delivery", [&](PgConn& c) -> Result<Delivery> {
    PgResult r =
        c.Exec(std::string("SELECT ") + kColumns + " FROM webhook_outbox WHERE id = $1", {id});
    if (r.rows() == 0) return Status::Error(ErrorCode::kNotFound, "no webhook delivery " + id);
    return ReadRow(r, 0);
  });
}

Result<bool> PgOutbox::Import(const Delivery& d) {
  return RunPg(*pool_, "import a webhook delivery", [&](PgConn& c) -> Result<bool> {
    PgResult r = c.Exec(
        "INSERT INTO webhook_outbox (id, type, subject_id, endpoint, body, created_at, "
        "next_attempt_at, attempts, status, last_status, last_error, delivered_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (id) DO NOTHING",
        {d.id, d.type, d.subject_id, d.endpoint, d.body, std::to_string(d.created_ms),
         std::to_string(d.next_attempt_ms), std::to_string(d.attempts), d.status,
         std::to_string(d.last_status), d.last_error, std::to_string(d.delivered_ms)});
    if (r.affected() == 1) return true;
    PgResult there = c.Exec("SELECT endpoint, body FROM webhook_outbox WHERE id = $1", {d.id});
    if (there.rows() == 1 && there.text(0, 0) == d.endpoint && there.text(0, 1) == d.body) {
      return false;
    }
    return Status::Error(ErrorCode::kConflict,
                         "webhook delivery " + d.id + " is already in the target as another event");
  });
}

}  // namespace edgepix::webhooks
