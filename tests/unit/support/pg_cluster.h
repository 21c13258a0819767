// PgCluster: a throwaway PostgreSQL 15 server for tests, Debian's binaries
// (/usr/lib/postgresql/15/bin, or $EDGEPIX_PG_BIN). The constructor copies
// an initdb'd data directory into a fresh temp directory (initdb runs once per
// machine, into /tmp/edgepix-pg-template-*, see pg_cluster.cpp) and starts
// `postgres` listening only on a Unix socket in that directory (no TCP port),
// then waits until it accepts connections; the destructor stops it and removes
// the directory.
//
// PostgreSQL refuses to run as root: when the test runs as root (CI), the
// directory is handed to the `postgres` system user the Debian package
// creates, and initdb/postgres run as that user (set in the forked child, no
// helper binary). The server gets PR_SET_PDEATHSIG, so a test process that
// dies does not leave it running.
//
// Stop() (fast shutdown, or Kill(): SIGKILL, a crash) and Start() run the same
// cluster again on the same data and socket, for tests that restart the
// database under running clients. Url() stays valid across restarts.
//
// Available() tells whether the binaries (and, as root, the user) exist; a
// test calls EDGEPIX_SKIP when it does not. The constructor throws
// std::runtime_error (with the server's log) when the cluster cannot start.
// Not thread-safe: one test thread owns a PgCluster.
#pragma once

#include <sys/types.h>

#include <string>

#include "unit/support/fixtures.h"

namespace edgepix::testing {

class PgCluster {
 public:
  // "" when a cluster can be started here, else why not (for EDGEPIX_SKIP).
  static std::string Unavailable();

  PgCluster();
  ~PgCluster();
  PgCluster(const PgCluster&) = delete;
  PgCluster& operator=(const PgCluster&) = delete;

  void Start();
  // Fast shutdown (SIGINT), waits for the server to exit. No-op when stopped.
  void Stop();
  // SIGKILL, as a crash (the next Start() recovers from the WAL).
  void Kill();
  bool running() const { return pid_ > 0; }

  // A libpq URL for `database` as the superuser over the socket.
  std::string Url(const std::string& database = "postgres") const;
  // Creates a fresh empty database and returns its URL.
  std::string CreateDatabase();
  // The database a URL of Url() / CreateDatabase() names.
  static std::string DatabaseOf(const std::string& url);
  // This test process's cluster, started on first use and stopped at exit
  // (a test case's sections rerun it: each fixture takes a database of its own).
  static PgCluster& Shared();
  // Runs one SQL statement (or several, separated by ';') on `database`;
  // throws with PostgreSQL's message on error.
  void Exec(const std::string& sql, const std::string& database = "postgres") const;
  // The first column of the first row of `sql`'s answer ("" when no row, or
  // NULL); throws like Exec.
  std::string Query(const std::string& sql, const std::string& database = "postgres") const;
  const std::string& dir() const { return temp_.path(); }
  std::string log_path() const { return temp_.Join("postgres.log"); }

 private:
  void WaitUntilReady();
  TempDir temp_;
  pid_t pid_ = -1;
  int databases_ = 0;
};

}  // namespace edgepix::testing
