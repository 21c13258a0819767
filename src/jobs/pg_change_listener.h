// PgChangeListener: turns the PostgreSQL job store's NOTIFYs (channel
// kPgChangeChannel, payload a job id or kJobEventsTopic) into calls of
// `on_change(payload)`, so a job finished on another node wakes the
// long-polls and streams held on this one.
//
// NOTIFY is a hint, not a log: a notification sent while this listener was
// disconnected (a database restart) is never replayed. So `on_recheck()` runs
// after every (re)connection and every `recheck` interval besides: it should
// wake every waiter to read the store again (JobNotifier::NotifyAll).
//
// Runs its own thread with its own connection; reconnects every second while
// the database is away. The callbacks run on that thread; keep them short.
// The destructor stops the thread (callbacks are not called after it returns).
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <thread>

namespace edgepix {

class PgChangeListener {
 public:
  PgChangeListener(std::string url, std::function<void(const std::string&)> on_change,
                   std::function<void()> on_recheck, std::chrono::milliseconds recheck);
  ~PgChangeListener();
  PgChangeListener(const PgChangeListener&) = delete;
  PgChangeListener& operator=(const PgChangeListener&) = delete;

 private:
  void Loop();
  // Waits up to `timeout` for the stop pipe; true when stopping.
  bool StopRequested(std::chrono::milliseconds timeout);
  const std::string url_;
  const std::function<void(const std::string&)> on_change_;
  const std::function<void()> on_recheck_;
  const std::chrono::milliseconds recheck_;
  int stop_pipe_[2] = {-1, -1};
  std::thread thread_;
};

}  // namespace edgepix
