// OpsProcess: the real edgepix binary started with exactly the given serve
// arguments (no --quiet added), its stdout+stderr captured in a file the test
// can read, for tests of logging and of HTTPS (where ServerProcess's plain-HTTP
// readiness check cannot work). Stopped in the destructor with the same checks
// as ServerProcess (StopServer in server_harness.h: SIGTERM, exit 0 in time, no
// sanitizer report, log kept as an artifact on failure). Not thread-safe.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

#include "unit/support/fixtures.h"

namespace edgepix::testing {

class OpsProcess {
 public:
  // Runs `edgepix serve --listen 127.0.0.1:<free port> --data <temp> ARGS...` and
  // calls `ready(port)` every 50 ms until it returns true (30 s at most).
  OpsProcess(std::vector<std::string> args, const std::function<bool(int)>& ready);
  ~OpsProcess();

  int port() const { return port_; }
  std::string Log() const;  // everything written so far
  const TempDir& temp() const { return temp_; }

 private:
  TempDir temp_;
  int port_ = 0;
  pid_t pid_ = -1;
};

// Runs a command line through /bin/sh; returns its exit status.
int RunShell(const std::string& command);

}  // namespace edgepix::testing
