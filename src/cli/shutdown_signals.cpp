#include "cli/shutdown_signals.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace edgepix::cli {
namespace {

// The write end of the live instance's pipe, for the handler (-1: none).
volatile sig_atomic_t g_write_fd = -1;

void OnShutdownSignal(int sig) {
  int saved_errno = errno;
  // Later SIGINT/SIGTERM take their default action: a second Ctrl-C or
  // `systemctl kill` ends a graceful stop that hangs.
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  sigaction(SIGINT, &dfl, nullptr);
  sigaction(SIGTERM, &dfl, nullptr);
  int fd = g_write_fd;
  if (fd >= 0) {
    unsigned char byte = static_cast<unsigned char>(sig);
    ssize_t n;
    do {
      n = write(fd, &byte, 1);
    } while (n < 0 && errno == EINTR);
  }
  errno = saved_errno;
}

Status Errno(const char* what) {
  return Status::Error(ErrorCode::kInternal, std::string(what) + ": " + std::strerror(errno));
}

}  // namespace

Result<std::unique_ptr<ShutdownSignals>> ShutdownSignals::Install() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return Errno("pipe2");
  // Non-blocking write end: the handler never blocks, even on a full pipe (it
  // holds at most a few bytes: one per signal before the first one resets them).
  if (fcntl(fds[1], F_SETFL, O_NONBLOCK) != 0) {
    Status st = Errno("fcntl");
    close(fds[0]);
    close(fds[1]);
    return st;
  }
  std::unique_ptr<ShutdownSignals> s(new ShutdownSignals(fds[0], fds[1]));
  g_write_fd = fds[1];

  struct sigaction sa {};
  sa.sa_handler = OnShutdownSignal;
  sigemptyset(&sa.sa_mask);
  sigaddset(&sa.sa_mask, SIGINT);
  sigaddset(&sa.sa_mask, SIGTERM);
  sa.sa_flags = SA_RESTART;
  if (sigaction(SIGINT, &sa, &s->old_int_) != 0 || sigaction(SIGTERM, &sa, &s->old_term_) != 0) {
    return Errno("sigaction");  // the destructor restores what was changed
  }
  // A parent may have started us with these blocked; threads started from now on
  // inherit this thread's mask.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
  return s;
}

ShutdownSignals::~ShutdownSignals() {
  sigaction(SIGINT, &old_int_, nullptr);
  sigaction(SIGTERM, &old_term_, nullptr);
  g_write_fd = -1;
  close(write_fd_);
  close(read_fd_);
}

int ShutdownSignals::Wait() {
  unsigned char byte = 0;
  for (;;) {
    ssize_t n = read(read_fd_, &byte, 1);
    if (n == 1) return byte;
    if (n < 0 && errno == EINTR) continue;
    return 0;  // cannot happen while we hold the write end; treat as a wake-up
  }
}

void ShutdownSignals::Wake() {
  unsigned char zero = 0;
  ssize_t n;
  do {
    n = write(write_fd_, &zero, 1);
  } while (n < 0 && errno == EINTR);
}

}  // namespace edgepix::cli
