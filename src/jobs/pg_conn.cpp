#include "jobs/pg_conn.h"

#include <algorithm>
#include <charconv>

namespace edgepix {
namespace {

std::string Trimmed(const char* message) {
  std::string s = message ? message : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// SQLSTATE classes that mean the connection, not the statement, failed:
// 08 connection exception, 57P01..57P03 the server is shutting down or
// starting.
bool LostState(const std::string& state) {
  return state.rfind("08", 0) == 0 || state == "57P01" || state == "57P02" || state == "57P03";
}

}  // namespace

Status StatusFromPgError(const std::string& what, const std::exception& e) {
  const std::string message = what + ": " + e.what();
  const auto* pg = dynamic_cast<const PgError*>(&e);
  if (pg == nullptr) return Status::Error(ErrorCode::kInternal, message);
  if (pg->lost()) return Status::Error(ErrorCode::kUnavailable, message);
  if (pg->sqlstate() == "23505") return Status::Error(ErrorCode::kConflict, message);
  if (pg->sqlstate() == "53100") return Status::Error(ErrorCode::kDiskFull, message);
  if (pg->sqlstate().rfind("58", 0) == 0) return Status::Error(ErrorCode::kIoError, message);
  return Status::Error(ErrorCode::kInternal, message);
}

int64_t PgResult::int64(int row, int col) const {
  const std::string t = text(row, col);
  int64_t v = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || end != t.data() + t.size()) {
    throw std::runtime_error("not an integer in column " + std::to_string(col) + ": '" + t + "'");
  }
  return v;
}

std::string PgResult::bytes(int row, int col) const {
  size_t n = 0;
  unsigned char* raw =
      PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(res_.get(), row, col)), &n);
  if (raw == nullptr) throw std::runtime_error("cannot decode a bytea column");
  std::string out(reinterpret_cast<const char*>(raw), n);
  PQfreemem(raw);
  return out;
}

int64_t PgResult::affected() const {
  const char* n = PQcmdTuples(res_.get());
  return n && *n ? std::stoll(n) : 0;
}

std::string PgBytea(const std::string& bytes) {
  static const char kHex[] = "0123456789abcdef";
  std::string out = "\\x";
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

PgConn::PgConn(const std::string& url) : conn_(PQconnectdb(url.c_str())) {
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string why = Trimmed(PQerrorMessage(conn_));
    PQfinish(conn_);
    throw PgError("cannot connect to PostgreSQL: " + why, "08001", true);
  }
  // Our own messages are English and errors carry SQLSTATE; notices are noise.
  PQsetNoticeProcessor(
      conn_, [](void*, const char*) {}, nullptr);
}

PgConn::~PgConn() { PQfinish(conn_); }

void PgConn::Reset() {
  PQreset(conn_);
  if (PQstatus(conn_) != CONNECTION_OK) {
    throw PgError("cannot reconnect to PostgreSQL: " + Trimmed(PQerrorMessage(conn_)), "08001",
                  true);
  }
}

PgResult PgConn::Exec(const std::string& sql, const PgParams& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  PGresult* raw = PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr,
                               values.data(), nullptr, nullptr, 0);
  return Checked(raw);
}

void PgConn::ExecScript(const std::string& sql) { Checked(PQexec(conn_, sql.c_str())); }

PgResult PgConn::Checked(PGresult* raw) {
  PgResult res(raw);
  const ExecStatusType status = raw ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return res;
  const char* state = raw ? PQresultErrorField(raw, PG_DIAG_SQLSTATE) : nullptr;
  const std::string sqlstate = state ? state : "";
  const bool lost = PQstatus(conn_) != CONNECTION_OK || sqlstate.empty() || LostState(sqlstate);
  const std::string why = Trimmed(raw ? PQresultErrorMessage(raw) : PQerrorMessage(conn_));
  throw PgError(why.empty() ? Trimmed(PQerrorMessage(conn_)) : why, sqlstate, lost);
}

PgTransaction::PgTransaction(PgConn& conn) : conn_(conn) { conn_.Exec("BEGIN"); }

PgTransaction::~PgTransaction() {
  if (done_ || !conn_.healthy()) return;
  try {
    conn_.Exec("ROLLBACK");
  } catch (const PgError&) {
    // The connection broke: the server rolls back on its own.
  }
}

void PgTransaction::Commit() {
  conn_.Exec("COMMIT");
  done_ = true;
}

PgPool::PgPool(std::string url, int size) : url_(std::move(url)), size_(std::max(1, size)) {
  free_.push_back(std::make_unique<PgConn>(url_));
  open_ = 1;
}

PgPool::Lease PgPool::Acquire() {
  std::unique_ptr<PgConn> conn;
  {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return !free_.empty() || open_ < size_; });
    if (free_.empty()) {
      ++open_;
      lock.unlock();
      try {
        conn = std::make_unique<PgConn>(url_);
      } catch (...) {
        lock.lock();
        --open_;
        cv_.notify_one();
        throw;
      }
      return Lease(this, std::move(conn));
    }
    conn = std::move(free_.back());
    free_.pop_back();
  }
  if (!conn->healthy()) {
    try {
      conn->Reset();
    } catch (...) {
      Return(std::move(conn));
      throw;
    }
  }
  return Lease(this, std::move(conn));
}

void PgPool::Return(std::unique_ptr<PgConn> conn) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    free_.push_back(std::move(conn));
  }
  cv_.notify_one();
}

PgPool::Lease::~Lease() {
  if (conn_) pool_->Return(std::move(conn_));
}

}  // namespace edgepix
