#include "webhooks/outbox.h"

#include <algorithm>
#include <chrono>

#include "http/crypto.h"
#include "jobs/sqlite_job_row.h"
#include "jobs/sqlite_schema.h"

namespace edgepix::webhooks {
namespace {

const char* const kColumns =
    "id, type, subject_id, endpoint, body, created_at, next_attempt_at, attempts, status, "
    "last_status, last_error, delivered_at";

Delivery ReadRow(SQLite::Statement& st) {
  Delivery d;
  d.id = st.getColumn(0).getString();
  d.type = st.getColumn(1).getString();
  d.subject_id = st.getColumn(2).getString();
  d.endpoint = st.getColumn(3).getString();
  d.body = st.getColumn(4).getString();
  d.created_ms = st.getColumn(5).getInt64();
  d.next_attempt_ms = st.getColumn(6).getInt64();
  d.attempts = st.getColumn(7).getInt();
  d.status = st.getColumn(8).getString();
  d.last_status = st.getColumn(9).getInt();
  d.last_error = st.getColumn(10).getString();
  d.delivered_ms = st.getColumn(11).getInt64();
  return d;
}

template <typename Fn>
auto Guard(const std::string& what, Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const std::exception& e) {
    return StatusFromException(what, e);
  }
}

}  // namespace

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void SqliteOutbox::Write(SQLite::Database& txn, const OutboxEvent& event) {
  std::vector<std::string> seen;
  for (const std::string& endpoint : event.endpoints) {
    if (endpoint.empty() || std::find(seen.begin(), seen.end(), endpoint) != seen.end()) continue;
    seen.push_back(endpoint);
    SQLite::Statement st(txn,
                         "INSERT INTO webhook_outbox (id, type, subject_id, endpoint, body, "
                         "created_at, next_attempt_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)");
    st.bind(1, "msg_" + http::RandomHex(12));
    st.bind(2, event.type);
    st.bind(3, event.subject_id);
    st.bind(4, endpoint);
    st.bind(5, event.body);
    st.bind(6, event.created_ms);
    st.exec();
  }
}

SqliteOutbox::SqliteOutbox(const std::string& path, SqliteWriteFn write)
    : db_(path, SQLite::OPEN_READONLY), write_(std::move(write)) {
  ConfigureReader(db_);
}

Result<std::vector<Delivery>> SqliteOutbox::Claim(int64_t now_ms, int limit) {
  return Guard("read due webhook deliveries", [&]() -> Result<std::vector<Delivery>> {
    std::lock_guard<std::mutex> lock(mu_);
    SQLite::Statement st(db_, std::string("SELECT ") + kColumns +
                                  " FROM webhook_outbox WHERE status = 'pending' AND "
                                  "next_attempt_at <= ?1 ORDER BY next_attempt_at, rowid LIMIT ?2");
    st.bind(1, now_ms);
    st.bind(2, limit);
    std::vector<Delivery> out;
    while (st.executeStep()) out.push_back(ReadRow(st));
    return out;
  });
}

Status SqliteOutbox::Release(const std::string&) { return Status::Ok(); }

Result<std::vector<Delivery>> SqliteOutbox::AllPending() {
  return Guard("read pending webhook deliveries", [&]() -> Result<std::vector<Delivery>> {
    std::lock_guard<std::mutex> lock(mu_);
    SQLite::Statement st(db_, std::string("SELECT ") + kColumns +
                                  " FROM webhook_outbox WHERE status = 'pending' ORDER BY rowid");
    std::vector<Delivery> out;
    while (st.executeStep()) out.push_back(ReadRow(st));
    return out;
  });
}

Result<std::optional<int64_t>> SqliteOutbox::NextDue() {
  return Guard("read webhook outbox", [&]() -> Result<std::optional<int64_t>> {
    std::lock_guard<std::mutex> lock(mu_);
    SQLite::Statement st(
        db_, "SELECT MIN(next_attempt_at) FROM webhook_outbox WHERE status = 'pending'");
    if (!st.executeStep() || st.getColumn(0).isNull()) return std::optional<int64_t>();
    return std::optional<int64_t>(st.getColumn(0).getInt64());
  });
}

Status SqliteOutbox::Record(const std::string& id, int64_t now_ms, const AttemptRecord& a) {
  return write_([&](SQLite::Database& db) {
    SQLite::Statement st(db,
                         "UPDATE webhook_outbox SET attempts = attempts + 1, status = ?2, "
                         "last_status = ?3, last_error = ?4, next_attempt_at = ?5, "
                         "delivered_at = ?6 WHERE id = ?1");
    st.bind(1, id);
    st.bind(2, a.delivered ? "delivered" : (a.dead ? "dead" : "pending"));
    st.bind(3, a.http_status);
    st.bind(4, a.error);
    st.bind(5, a.delivered || a.dead ? now_ms : a.next_attempt_ms);
    st.bind(6, a.delivered ? now_ms : int64_t{0});
    st.exec();
  });
}

Result<std::vector<Delivery>> SqliteOutbox::List(const std::string& status, int limit) {
  return Guard("list webhook deliveries", [&]() -> Result<std::vector<Delivery>> {
    std::lock_guard<std::mutex> lock(mu_);
    std::string sql = std::string("SELECT ") + kColumns + " FROM webhook_outbox";
    if (!status.empty()) sql += " WHERE status = ?2";
    sql += " ORDER BY rowid DESC LIMIT ?1";
    SQLite::Statement st(db_, sql);
    st.bind(1, std::clamp(limit, 1, 1000));
    if (!status.empty()) st.bind(2, status);
    std::vector<Delivery> out;
    while (st.executeStep()) out.push_back(ReadRow(st));
    return out;
  });
}

Status SqliteOutbox::Retry(const std::string& id) {
  bool found = false;
  EDGEPIX_RETURN_IF_ERROR(write_([&](SQLite::Database& db) {
    SQLite::Statement st(db,
                         "UPDATE webhook_outbox SET status = 'pending', next_attempt_at = ?2 "
                         "WHERE id = ?1");
    st.bind(1, id);
    st.bind(2, NowMs());
    found = st.exec() > 0;
  }));
  if (!found) return Status::Error(ErrorCode::kNotFound, "no webhook delivery " + id);
  return Status::Ok();
}

Result<Delivery> SqliteOutbox::Get(const std::string& id) {
  return Guard("read a webhook delivery", [&]() -> Result<Delivery> {
    std::lock_guard<std::mutex> lock(mu_);
    SQLite::Statement st(db_,
                         std::string("SELECT ") + kColumns + " FROM webhook_outbox WHERE id = ?");
    st.bind(1, id);
    if (!st.executeStep()) return Status::Error(ErrorCode::kNotFound, "no webhook delivery " + id);
    return ReadRow(st);
  });
}

Result<int64_t> SqliteOutbox::CountPending() {
  return Guard("count webhook deliveries", [&]() -> Result<int64_t> {
    std::lock_guard<std::mutex> lock(mu_);
    SQLite::Statement st(db_, "SELECT COUNT(*) FROM webhook_outbox WHERE status = 'pending'");
    st.executeStep();
    return st.getColumn(0).getInt64();
  });
}

}  // namespace edgepix::webhooks
