// A thin RAII layer over libpq for the PostgreSQL stores (internal to
// src/jobs/pg_*): one connection (PgConn), a query's result (PgResult), and a
// fixed-size pool of connections (PgPool).
//
// Every parameter is sent as text (NULL as nullopt); results come as text.
// Exec throws PgError on any failure; PgError::lost() tells a broken
// connection (server restarted, network) from a refused statement, and
// StatusFromPgError maps it: lost -> kUnavailable (transient: callers retry),
// unique violation -> kConflict, disk full -> kDiskFull, other -> kInternal.
//
// A PgConn is used by one thread at a time. PgPool is thread-safe: Acquire()
// blocks until a connection is free and reconnects one that was lost, so a
// database restart costs the calls made while it is down, nothing more. A
// Lease must not outlive its pool.
#pragma once

#include <libpq-fe.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/status.h"

namespace edgepix {

class PgError : public std::runtime_error {
 public:
  PgError(const std::string& message, std::string sqlstate, bool lost)
      : std::runtime_error(message), sqlstate_(std::move(sqlstate)), lost_(lost) {}
  const std::string& sqlstate() const { return sqlstate_; }
  bool lost() const { return lost_; }

 private:
  std::string sqlstate_;
  bool lost_;
};

Status StatusFromPgError(const std::string& what, const std::exception& e);

class PgResult {
 public:
  explicit PgResult(PGresult* res) : res_(res, &PQclear) {}
  int rows() const { return PQntuples(res_.get()); }
  bool null(int row, int col) const { return PQgetisnull(res_.get(), row, col) != 0; }
  std::string text(int row, int col) const {
    return std::string(PQgetvalue(res_.get(), row, col),
                       static_cast<size_t>(PQgetlength(res_.get(), row, col)));
  }
  int64_t int64(int row, int col) const;
  bool boolean(int row, int col) const { return text(row, col) == "t"; }
  // A bytea column in PostgreSQL's text output ("\x0a93...").
  std::string bytes(int row, int col) const;
  // Rows a command changed (UPDATE/DELETE/INSERT).
  int64_t affected() const;

 private:
  std::unique_ptr<PGresult, void (*)(PGresult*)> res_;
};

using PgParams = std::vector<std::optional<std::string>>;

// A bytea parameter in the text format PostgreSQL reads ("\x..." hex).
std::string PgBytea(const std::string& bytes);

class PgConn {
 public:
  // Connects; throws PgError (lost) when the server cannot be reached.
  explicit PgConn(const std::string& url);
  ~PgConn();
  PgConn(const PgConn&) = delete;
  PgConn& operator=(const PgConn&) = delete;

  PgResult Exec(const std::string& sql, const PgParams& params = {});
  // Several statements separated by ';', no parameters (migrations).
  void ExecScript(const std::string& sql);
  bool healthy() const { return PQstatus(conn_) == CONNECTION_OK; }
  // Tries to reconnect a lost connection; throws PgError when it cannot.
  void Reset();
  PGconn* raw() { return conn_; }

 private:
  // Owns `raw`; throws PgError unless it is a success.
  PgResult Checked(PGresult* raw);
  PGconn* conn_;
};

// BEGIN on construction, ROLLBACK on destruction unless Commit() ran.
class PgTransaction {
 public:
  explicit PgTransaction(PgConn& conn);
  ~PgTransaction();
  void Commit();

 private:
  PgConn& conn_;
  bool done_ = false;
};

class PgPool {
 public:
  class Lease {
   public:
    Lease(PgPool* pool, std::unique_ptr<PgConn> conn) : pool_(pool), conn_(std::move(conn)) {}
    Lease(Lease&& other) noexcept = default;
    ~Lease();
    PgConn& conn() { return *conn_; }

   private:
    PgPool* pool_;
    std::unique_ptr<PgConn> conn_;
  };

  // Opens one connection at once (throws PgError when it fails), more as
  // needed, up to `size`.
  PgPool(std::string url, int size);
  // Throws PgError (lost) when a lost connection cannot be re-established.
  Lease Acquire();
  const std::string& url() const { return url_; }

 private:
  void Return(std::unique_ptr<PgConn> conn);
  const std::string url_;
  std::mutex mu_;
  std::condition_variable cv_;
  const int size_;
  int open_ = 0;  // connections made (free or leased), under mu_
  std::vector<std::unique_ptr<PgConn>> free_;
};

}  // namespace edgepix
