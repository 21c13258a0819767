// BoundedTaskQueue: the cpp-httplib connection pool, bounded in threads AND in
// backlog, so neither slow clients nor a flood can grow it without limit.
//
// Up to `threads` connection threads serve accepted connections (each open
// long-poll or SSE stream holds one). They are started as connections need them
// (a few at construction), not all at once: the default bound is a thousand,
// and an idle server holding a thousand threads pays their memory and start-up
// for nothing. A thread, once started, stays until shutdown. If the system
// refuses a new thread, the connection waits for a running one (and max_wait
// applies). When all `threads` are busy, up to `max_backlog` accepted
// connections wait for a thread. Beyond that, a connection is handed to one of
// a few overflow threads, which only answer 503 + Retry-After (the server's
// pre-routing handler calls RefuseIfOverflow) and close. A connection that has
// waited `max_wait` for a thread is handed to the overflow threads too: every
// accepted connection gets an answer, none is left waiting until the header
// deadline (connection_watchdog.h) cuts it unanswered. When even the overflow
// backlog is full, enqueue() blocks the accept loop: new connections then wait
// in (and beyond it are refused by) the kernel's listen backlog. Nothing is
// queued without bound. Thread-safe; cpp-httplib owns and deletes it.
#pragma once

#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace edgepix::http {

class BoundedTaskQueue : public httplib::TaskQueue {
 public:
  // max_wait zero: a waiting connection waits until a thread is free.
  BoundedTaskQueue(size_t threads, size_t max_backlog,
                   std::chrono::milliseconds max_wait = std::chrono::milliseconds(0),
                   size_t overflow_threads = 2, size_t overflow_backlog = 64);
  ~BoundedTaskQueue() override;

  void enqueue(std::function<void()> fn) override;
  void shutdown() override;

 private:
  using Clock = std::chrono::steady_clock;
  struct Job {
    std::function<void()> fn;
    Clock::time_point queued;
  };
  struct Lane {
    std::deque<Job> jobs;
    std::vector<std::thread> threads;
    std::condition_variable cv;  // a job was queued here, or shutdown
    size_t idle = 0;             // threads waiting for a job
    size_t starting = 0;         // threads started that have not yet waited for one
  };
  // Starts one more main thread if a queued connection has no thread to take
  // it and the bound allows. Requires mu_.
  void GrowLocked();
  void Work(Lane* lane, bool overflow);
  // Moves connections that waited max_wait_ for a main thread to the overflow
  // lane; true if it moved any. Requires mu_.
  bool MoveStaleLocked(Clock::time_point now);

  const size_t max_threads_;
  const size_t max_backlog_;
  const std::chrono::milliseconds max_wait_;
  const size_t overflow_backlog_;
  mutable std::mutex mu_;
  std::condition_variable space_cv_;  // a queued job was taken
  Lane main_;
  Lane overflow_;
  bool shutdown_ = false;
};

// True on an overflow thread: the connection must be refused. Fills `res` with
// 503 {"error":{"code":"busy",..}} and Retry-After when it returns true.
bool RefuseIfOverflow(httplib::Response& res);

}  // namespace edgepix::http
