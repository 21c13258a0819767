// ServerProcess: the real edgepix binary on a free loopback port with a
// temporary data directory, for integration tests. Started in the constructor
// (waits until /healthz answers), SIGTERM'd in the destructor.
#pragma once

#include <httplib.h>
#include <sys/types.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "unit/support/fixtures.h"

namespace edgepix::testing {

std::string EdgepixBinary();  // $EDGEPIX_BIN
// The binary as a shell command prefix: under $EDGEPIX_EMULATOR when set.
std::string EdgepixShellCommand();
int FreeLoopbackPort();

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
  // Sends `signal` and reaps the server; returns its waitpid status. A server
  // still running 60 s after the signal is SIGKILLed (so a hang fails the test's
  // checks instead of hanging the run).
  int Kill(int signal);
  void Restart() {
    Kill(15);
    Start();
  }

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::string& data_dir() const { return data_dir_; }
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
