// ShutdownSignals: turns SIGINT/SIGTERM into a byte on a self-pipe that one thread
// waits for, so `edgepix serve` can stop gracefully.
//
// Contract:
// - At most one instance at a time (the handler is process-wide). Create it in the
//   main thread before other threads start: it unblocks SIGINT/SIGTERM in the
//   calling thread, so threads started afterwards inherit an open mask and any of
//   them may run the handler.
// - The handler is installed with SA_RESTART (reads/writes/accepts elsewhere are
//   restarted, not failed with EINTR), only calls write(2) and sigaction(2)
//   (async-signal-safe), and puts SIGINT and SIGTERM back to their default action:
//   a second signal stops the process at once even if the graceful stop hangs.
// - No signal is blocked and nothing relies on sigwait, which does not see a
//   process-directed signal under qemu-user.
// - Wait() blocks until a signal arrived (returns its number) or Wake() was called
//   (returns 0). The destructor restores the previous dispositions.
#pragma once

#include <signal.h>

#include <memory>

#include "common/status.h"

namespace edgepix::cli {

class ShutdownSignals {
 public:
  static Result<std::unique_ptr<ShutdownSignals>> Install();
  ~ShutdownSignals();
  ShutdownSignals(const ShutdownSignals&) = delete;
  ShutdownSignals& operator=(const ShutdownSignals&) = delete;

  int Wait();   // the signal number, or 0 after Wake()
  void Wake();  // async-signal-safe; makes Wait() return 0 if no signal came first

 private:
  ShutdownSignals(int read_fd, int write_fd) : read_fd_(read_fd), write_fd_(write_fd) {}

  int read_fd_;
  int write_fd_;
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

}  // namespace edgepix::cli
