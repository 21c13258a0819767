// BoundedTaskQueue: the cpp-httplib connection pool, bounded in threads AND in
// backlog, so neither slow clients nor a flood can grow it without limit.
//
// `threads` connection threads serve accepted connections (each open long-poll
// or SSE stream holds one). When all are busy, up to `max_backlog` accepted
// connections wait for a thread. Beyond that, a connection is handed to one of
// a few overflow threads, which only answer 503 + Retry-After (the server's
// pre-routing handler calls RefuseIfOverflow) and close. When even the overflow
// backlog is full, enqueue() blocks the accept loop: new connections then wait
// in (and beyond it are refused by) the kernel's listen backlog. Nothing is
// queued without bound. Thread-safe; cpp-httplib owns and deletes it.
#pragma once

#include <httplib.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace edgepix::http {

class BoundedTaskQueue : public httplib::TaskQueue {
 public:
  BoundedTaskQueue(size_t threads, size_t max_backlog, size_t overflow_threads = 2,
                   size_t overflow_backlog = 64);
  ~BoundedTaskQueue() override;

  void enqueue(std::function<void()> fn) override;
  void shutdown() override;

 private:
  struct Lane {
    std::deque<std::function<void()>> jobs;
    std::vector<std::thread> threads;
    std::condition_variable cv;  // a job was queued here, or shutdown
    size_t idle = 0;
  };
  void Work(Lane* lane, bool overflow);

  const size_t max_backlog_;
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
