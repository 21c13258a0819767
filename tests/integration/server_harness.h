// ServerProcess: the real edgepix binary on a free loopback port with a
// temporary data directory, for integration tests. Started in the constructor
// (waits until /healthz answers), stopped in the destructor.
//
// Every stop that is not a deliberate kill is checked (StopServer): SIGTERM, exit
// status 0 within kStopSeconds, and no sanitizer report (ASan, LSan, UBSan,
// TSan) anywhere in the server's stdout+stderr, which covers all its runs on
// that log, killed ones included. A failed check is a non-fatal Catch failure
// (safe in destructors and while unwinding). Whenever the check or the test
// failed, the log is copied to build-*/test-artifacts/ (KeepLogArtifact) and
// its path printed.
//
// Not thread-safe: one test thread owns a ServerProcess. Lifetimes: the data
// directory (when not given) and the log live as long as the object.
#pragma once

#include <httplib.h>
#include <sys/types.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "unit/support/fixtures.h"
#include "unit/support/skip.h"

namespace edgepix::testing {

std::string EdgepixBinary();  // $EDGEPIX_BIN
// The binary as a shell command prefix: under $EDGEPIX_EMULATOR when set.
std::string EdgepixShellCommand();
int FreeLoopbackPort();

// Seconds a server may take to exit after SIGTERM (a graceful stop finishes the
// images in progress, slow under qemu-user) before it is SIGKILLed and failed.
inline constexpr int kStopSeconds = 60;

// The first line of `log_text` that is a sanitizer report, "" if none.
std::string SanitizerReport(const std::string& log_text);

// Copies the log file to $EDGEPIX_TEST_ARTIFACTS/<test name>-<tag>-....log (when
// unset: test-artifacts/ beside $EDGEPIX_BIN, i.e. build-*/test-artifacts),
// prints the path and returns it ("" if it could not be copied).
std::string KeepLogArtifact(const std::string& log_path, const std::string& tag);

// waitpid with a deadline: true (and *status set) when `pid` ended in time.
bool WaitForExit(pid_t pid, int seconds, int* status);

// Stops a server that should stop cleanly: SIGTERM, waits kStopSeconds (then
// SIGKILL), and records a Catch failure unless it exited 0 with no sanitizer
// report in `log_path`. Keeps the log as an artifact when that check or the
// running test failed. Returns true when the stop was clean.
bool StopServer(pid_t pid, const std::string& log_path);

// After a server ended on its own terms (a test sent the signals itself):
// records a Catch failure if `log_path` holds a sanitizer report, and keeps the
// log when that or the running test failed. Returns true when clean.
bool CheckServerLog(const std::string& log_path, const std::string& tag);

// For raw-socket tests that must know the server has taken what they sent
// (instead of sleeping): waits up to `seconds` until the kernel shows the
// server's end of `client_fd`'s loopback connection established with nothing
// left unread (/proc/net/tcp, rx_queue 0). Call after sending; false on timeout
// or as soon as the server has answered or closed the connection.
bool WaitUntilServerRead(int client_fd, int seconds);

// Starts `edgepix serve SERVE_ARGS...` (under $EDGEPIX_EMULATOR when set) with
// stdout and stderr appended to `log`, and waits up to 30 s for ready(port).
// Returns the child's pid; throws (with the log) if it exits or is never ready.
pid_t SpawnEdgepixServe(const std::vector<std::string>& serve_args, const std::string& log,
                        int port, const std::function<bool(int)>& ready);

class ServerProcess {
 public:
  // `data_dir` empty = a fresh temp dir owned by this object.
  explicit ServerProcess(std::vector<std::string> extra_args = {}, std::string data_dir = "");
  ~ServerProcess();

  void Start();
  // The checked stop (StopServer above); true when clean. No-op when not running.
  bool Stop();
  // Sends `signal` (a deliberate SIGKILL: crash tests) and reaps the server;
  // returns its waitpid status. Unchecked: the next Stop() or the destructor
  // checks the whole log. A server still running kStopSeconds after the signal
  // is SIGKILLed (so a hang fails the test's checks instead of hanging the run).
  int Kill(int signal);
  void Restart() {
    Stop();
    Start();
  }

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::string& data_dir() const { return data_dir_; }
  std::string log_path() const { return temp_.Join("server.log"); }
  httplib::Client Client() const;

 private:
  TempDir temp_;
  std::string data_dir_;
  std::vector<std::string> extra_args_;
  int port_ = 0;
  pid_t pid_ = -1;
};

// Parses a JSON body, failing the test on garbage.
nlohmann::json JsonBody(const httplib::Result& r);

// POST /api/uploads with one multipart `file` field per (filename, bytes).
httplib::Result UploadFiles(httplib::Client& c,
                            const std::vector<std::pair<std::string, std::string>>& files);

// Long-polls until the job is terminal (or `seconds` pass); returns the job JSON.
nlohmann::json WaitForTerminal(httplib::Client& c, const std::string& id, int seconds = 60);

// Server arguments under which uploads queue: one worker, and one variant as
// large as a photo at WebP's slowest method, so a photo takes it seconds.
std::vector<std::string> SlowQueueArgs();
// On a server started with SlowQueueArgs(): uploads `blockers` photo-sized
// images, then a small one behind them, and returns the small one's id. It
// stays PENDING (version 1) for seconds, so a long-poll on it is held until
// its wait ends. (A long-poll on a finished job answers at once.)
std::string QueuedJob(ServerProcess& server, int blockers = 1);

// Width and height of a WebP, {0,0} if it is not a valid WebP.
std::pair<int, int> WebpSize(const std::string& bytes);

}  // namespace edgepix::testing
