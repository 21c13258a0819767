// PgChangeListener: one LISTEN connection, poll() on its socket and on a stop
// pipe.
#include "jobs/pg_change_listener.h"

#include <poll.h>
#include <unistd.h>

#include "common/log.h"
#include "jobs/pg_conn.h"
#include "jobs/pg_job_store.h"

namespace edgepix {

PgChangeListener::PgChangeListener(std::string url,
                                   std::function<void(const std::string&)> on_change,
                                   std::function<void()> on_recheck,
                                   std::chrono::milliseconds recheck)
    : url_(std::move(url)),
      on_change_(std::move(on_change)),
      on_recheck_(std::move(on_recheck)),
      recheck_(recheck) {
  if (pipe(stop_pipe_) != 0) throw std::runtime_error("pipe failed");
  thread_ = std::thread([this] { Loop(); });
}

PgChangeListener::~PgChangeListener() {
  if (write(stop_pipe_[1], "x", 1) != 1) {
    // The pipe cannot be full (one byte, once); nothing else to do.
  }
  if (thread_.joinable()) thread_.join();
  close(stop_pipe_[0]);
  close(stop_pipe_[1]);
}

bool PgChangeListener::StopRequested(std::chrono::milliseconds timeout) {
  pollfd p{stop_pipe_[0], POLLIN, 0};
  return poll(&p, 1, static_cast<int>(timeout.count())) > 0;
}

void PgChangeListener::Loop() {
  bool warned = false;
  while (true) {
    std::unique_ptr<PgConn> conn;
    try {
      conn = std::make_unique<PgConn>(url_);
      conn->Exec(std::string("LISTEN ") + kPgChangeChannel);
    } catch (const std::exception& e) {
      if (!warned) log::Warning(std::string("job change listener: ") + e.what());
      warned = true;
      if (StopRequested(std::chrono::seconds(1))) return;
      continue;
    }
    if (warned) log::Diagnostic("job_listener_reconnected", {});
    warned = false;
    on_recheck_();  // what was sent while away is lost: everyone reads again
    auto next_recheck = std::chrono::steady_clock::now() + recheck_;
    while (true) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          next_recheck - std::chrono::steady_clock::now());
      pollfd p[2] = {{stop_pipe_[0], POLLIN, 0}, {PQsocket(conn->raw()), POLLIN, 0}};
      int n = poll(p, 2, static_cast<int>(std::max<int64_t>(0, left.count())));
      if (n > 0 && (p[0].revents & POLLIN)) return;
      if (n == 0) {
        on_recheck_();
        next_recheck = std::chrono::steady_clock::now() + recheck_;
        continue;
      }
      if (n < 0) continue;  // EINTR
      if (!PQconsumeInput(conn->raw()) || PQstatus(conn->raw()) != CONNECTION_OK) {
        log::Warning("job change listener: connection lost, reconnecting");
        warned = true;
        break;
      }
      while (PGnotify* note = PQnotifies(conn->raw())) {
        std::string payload = note->extra ? note->extra : "";
        PQfreemem(note);
        on_change_(payload);
      }
    }
  }
}

}  // namespace edgepix
