// PgCluster: initdb + postgres in forked children, as the `postgres` user
// when the test runs as root; readiness by PQping on the socket.
//
// initdb's bootstrap costs more CPU than everything else a cluster does in
// most tests, and its result depends only on the binaries and the options
// below. So it runs once per machine (per initdb binary and user) into a
// template directory under /tmp, made under a lock and renamed into place
// when complete; each cluster starts from a copy of it.
#include "unit/support/pg_cluster.h"

#include <fcntl.h>
#include <grp.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

namespace edgepix::testing {
namespace {

constexpr int kPort = 5432;  // names the socket file only: the socket dir is private
constexpr int kStartSeconds = 30;

std::string BinDir() {
  const char* env = std::getenv("EDGEPIX_PG_BIN");
  return env && *env ? env : "/usr/lib/postgresql/15/bin";
}

std::string ReadLog(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The user the server runs as: `postgres` when we are root, else ourselves.
const passwd* ServerUser() { return geteuid() == 0 ? getpwnam("postgres") : nullptr; }

// Forks `argv` with stdout+stderr appended to `log`, as ServerUser(); the
// child gets `death_signal` when the test process dies (0 = none).
pid_t Spawn(const std::vector<std::string>& argv, const std::string& log, int death_signal) {
  const passwd* user = ServerUser();
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
      close(fd);
    }
    setpgid(0, 0);  // a ^C at the terminal reaches the test, which stops the server
    if (user != nullptr &&
        (setgroups(0, nullptr) != 0 || setgid(user->pw_gid) != 0 || setuid(user->pw_uid) != 0)) {
      _exit(126);
    }
    // After setuid, which clears it.
    if (death_signal != 0) prctl(PR_SET_PDEATHSIG, death_signal);
    execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}

bool WaitPid(pid_t pid, int seconds, int* status) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    pid_t r = waitpid(pid, status, WNOHANG);
    if (r == pid) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

// Runs `argv` (as ServerUser()) to completion; throws with its log unless it
// exited 0.
void RunOrThrow(const std::vector<std::string>& argv, const std::string& log, int seconds) {
  int status = 0;
  pid_t pid = Spawn(argv, log, SIGKILL);
  if (!WaitPid(pid, seconds, &status) || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    throw std::runtime_error(argv[0] + " failed:\n" + ReadLog(log));
  }
}

// A directory ServerUser() owns (mode 0700), for initdb or a cluster.
void HandToServerUser(const std::string& dir) {
  if (const passwd* user = ServerUser()) {
    if (chown(dir.c_str(), user->pw_uid, user->pw_gid) != 0) {
      throw std::runtime_error("cannot hand " + dir + " to the postgres user");
    }
  }
  chmod(dir.c_str(), 0700);
}

// The initdb template's directory (its data/ is a fresh cluster's data
// directory), made on first use.
std::string InitdbTemplate() {
  const std::string initdb = BinDir() + "/initdb";
  struct stat st {};
  if (stat(initdb.c_str(), &st) != 0) throw std::runtime_error("no " + initdb);
  const std::string key = std::to_string(std::hash<std::string>{}(initdb)) + "-" +
                          std::to_string(st.st_mtime) + "-" + std::to_string(geteuid());
  const std::string dir = "/tmp/edgepix-pg-template-" + key;
  if (access((dir + "/data/PG_VERSION").c_str(), F_OK) == 0) return dir;
  // One process makes it; the others wait on the lock, then find it made.
  const std::string lock_path = dir + ".lock";
  const int lock = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock < 0 || flock(lock, LOCK_EX) != 0) {
    if (lock >= 0) close(lock);
    throw std::runtime_error("cannot lock " + lock_path);
  }
  std::unique_ptr<int, void (*)(int*)> unlock(new int(lock), [](int* fd) {
    close(*fd);  // releases the flock
    delete fd;
  });
  if (access((dir + "/data/PG_VERSION").c_str(), F_OK) == 0) return dir;
  const std::string partial = dir + ".partial";
  std::filesystem::remove_all(partial);  // a crashed maker's leftovers
  std::filesystem::create_directory(partial);
  HandToServerUser(partial);
  RunOrThrow({initdb, "-D", partial + "/data", "-U", "postgres", "-A", "trust", "-E", "UTF8",
              "--no-locale", "--no-sync"},
             partial + "/initdb.log", 120);
  std::filesystem::rename(partial, dir);
  return dir;
}

}  // namespace

std::string PgCluster::Unavailable() {
  for (const char* tool : {"initdb", "postgres"}) {
    if (access((BinDir() + "/" + tool).c_str(), X_OK) != 0) {
      return "PostgreSQL 15 is not installed (no " + BinDir() + "/" + tool +
             "; scripts/setup.sh installs Debian's `postgresql`)";
    }
  }
  if (geteuid() == 0 && getpwnam("postgres") == nullptr) {
    return "running as root and there is no `postgres` user to run PostgreSQL as";
  }
  return "";
}

PgCluster::PgCluster() {
  HandToServerUser(temp_.path());
  RunOrThrow({"/bin/cp", "-a", InitdbTemplate() + "/data", temp_.Join("data")},
             temp_.Join("copy.log"), 120);
  Start();
}

PgCluster::~PgCluster() {
  try {
    Stop();
  } catch (...) {
    Kill();
  }
}

void PgCluster::Start() {
  if (pid_ > 0) return;
  pid_ =
      Spawn({BinDir() + "/postgres", "-D", temp_.Join("data"), "-k", temp_.path(), "-p",
             std::to_string(kPort), "-c", "listen_addresses=", "-c", "fsync=off", "-c",
             "full_page_writes=off", "-c", "max_connections=200", "-c", "log_min_messages=warning"},
            log_path(), SIGQUIT);
  WaitUntilReady();
}

void PgCluster::WaitUntilReady() {
  const std::string url = Url();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(kStartSeconds);
  while (std::chrono::steady_clock::now() < deadline) {
    if (PQping(url.c_str()) == PQPING_OK) return;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("postgres exited at start:\n" + ReadLog(log_path()));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
  }
  Kill();
  throw std::runtime_error("postgres did not accept connections within " +
                           std::to_string(kStartSeconds) + " s:\n" + ReadLog(log_path()));
}

void PgCluster::Stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGINT);  // fast shutdown: clients are disconnected, data is kept
  int status = 0;
  if (!WaitPid(pid_, 60, &status)) {
    kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
  }
  pid_ = -1;
}

void PgCluster::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  // The backends notice the postmaster is gone and exit; a new postmaster
  // refuses to start while they hold the shared memory, so wait for them.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
}

std::string PgCluster::Url(const std::string& database) const {
  return "postgresql:///" + database + "?host=" + temp_.path() + "&port=" + std::to_string(kPort) +
         "&user=postgres";
}

std::string PgCluster::DatabaseOf(const std::string& url) {
  // postgresql:///NAME?host=...
  const size_t at = url.find(":///") + 4;
  return url.substr(at, url.find('?') - at);
}

PgCluster& PgCluster::Shared() {
  static std::unique_ptr<PgCluster> shared;
  if (!shared) shared = std::make_unique<PgCluster>();
  return *shared;
}

std::string PgCluster::CreateDatabase() {
  const std::string name = "edgepix_test_" + std::to_string(++databases_);
  Exec("CREATE DATABASE " + name);
  return Url(name);
}

void PgCluster::Exec(const std::string& sql, const std::string& database) const {
  Query(sql, database);
}

std::string PgCluster::Query(const std::string& sql, const std::string& database) const {
  PGconn* conn = PQconnectdb(Url(database).c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string why = PQerrorMessage(conn);
    PQfinish(conn);
    throw std::runtime_error("cannot connect to the test PostgreSQL: " + why);
  }
  PGresult* res = PQexec(conn, sql.c_str());
  const bool ok = PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK;
  std::string why = ok ? "" : PQresultErrorMessage(res);
  std::string value;
  if (ok && PQntuples(res) > 0 && PQnfields(res) > 0 && !PQgetisnull(res, 0, 0)) {
    value = PQgetvalue(res, 0, 0);
  }
  PQclear(res);
  PQfinish(conn);
  if (!ok) throw std::runtime_error(sql + ": " + why);
  return value;
}

}  // namespace edgepix::testing
