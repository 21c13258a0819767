#include "http/bounded_task_queue.h"

#include <algorithm>
#include <system_error>

#include "http/responses.h"

namespace edgepix::http {
namespace {

thread_local bool t_overflow_thread = false;

// Main threads started at construction: enough for a few requests at once
// without starting a thread.
constexpr size_t kInitialThreads = 4;

}  // namespace

BoundedTaskQueue::BoundedTaskQueue(size_t threads, size_t max_backlog,
                                   std::chrono::milliseconds max_wait, size_t overflow_threads,
                                   size_t overflow_backlog)
    : max_threads_(std::max<size_t>(threads, 1)),
      max_backlog_(max_backlog),
      max_wait_(max_wait),
      overflow_backlog_(overflow_backlog) {
  if (overflow_threads < 1) overflow_threads = 1;
  std::lock_guard<std::mutex> lock(mu_);
  for (size_t i = 0; i < std::min(max_threads_, kInitialThreads); ++i) {
    ++main_.starting;
    main_.threads.emplace_back([this] { Work(&main_, false); });
  }
  for (size_t i = 0; i < overflow_threads; ++i) {
    ++overflow_.starting;
    overflow_.threads.emplace_back([this] { Work(&overflow_, true); });
  }
}

BoundedTaskQueue::~BoundedTaskQueue() { shutdown(); }

void BoundedTaskQueue::enqueue(std::function<void()> fn) {
  std::unique_lock<std::mutex> lock(mu_);
  Lane* lane = nullptr;
  while (true) {
    // A free thread (or one still to be started) takes it at once; otherwise it
    // may wait in the bounded backlog.
    const size_t free_threads = main_.idle + main_.starting + (max_threads_ - main_.threads.size());
    if (shutdown_ || main_.jobs.size() < free_threads + max_backlog_) {
      main_.jobs.push_back({std::move(fn), Clock::now()});
      lane = &main_;
      if (!shutdown_) GrowLocked();
      break;
    }
    if (overflow_.jobs.size() < overflow_.idle + overflow_backlog_) {
      overflow_.jobs.push_back({std::move(fn), Clock::now()});
      lane = &overflow_;
      break;
    }
    // Both full: stop accepting until a queued connection is taken.
    space_cv_.wait(lock);
  }
  lock.unlock();
  lane->cv.notify_one();
}

void BoundedTaskQueue::shutdown() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (shutdown_ && main_.threads.empty() && overflow_.threads.empty()) return;
    shutdown_ = true;
  }
  main_.cv.notify_all();
  overflow_.cv.notify_all();
  space_cv_.notify_all();
  for (Lane* lane : {&main_, &overflow_}) {
    for (auto& t : lane->threads) {
      if (t.joinable()) t.join();
    }
    lane->threads.clear();
  }
}

void BoundedTaskQueue::GrowLocked() {
  if (main_.jobs.size() <= main_.idle + main_.starting) return;  // one will take it
  if (main_.threads.size() >= max_threads_) return;              // it waits (backlog)
  try {
    main_.threads.emplace_back([this] { Work(&main_, false); });
    ++main_.starting;
  } catch (const std::system_error&) {
    // Out of threads (RLIMIT_NPROC, memory): a running thread takes it later,
    // or after max_wait an overflow thread answers 503.
  }
}

bool BoundedTaskQueue::MoveStaleLocked(Clock::time_point now) {
  bool moved = false;
  // Oldest first: the queue is in arrival order. Moved even beyond the overflow
  // backlog: they were accepted within the main backlog's bound already.
  while (!shutdown_ && max_wait_.count() > 0 && !main_.jobs.empty() &&
         now - main_.jobs.front().queued >= max_wait_) {
    overflow_.jobs.push_back(std::move(main_.jobs.front()));
    main_.jobs.pop_front();
    moved = true;
  }
  if (moved) overflow_.cv.notify_all();
  return moved;
}

void BoundedTaskQueue::Work(Lane* lane, bool overflow) {
  t_overflow_thread = overflow;
  // Overflow threads also look for connections that waited too long for a main
  // thread, a few times per max_wait.
  const auto check_every = std::max(std::chrono::milliseconds(10), max_wait_ / 4);
  std::unique_lock<std::mutex> lock(mu_);
  --lane->starting;
  while (true) {
    ++lane->idle;
    auto ready = [&] { return !lane->jobs.empty() || shutdown_; };
    if (overflow && max_wait_.count() > 0) {
      while (!ready()) {
        lane->cv.wait_for(lock, check_every);
        if (MoveStaleLocked(Clock::now())) space_cv_.notify_all();
      }
    } else {
      lane->cv.wait(lock, ready);
    }
    --lane->idle;
    if (lane->jobs.empty()) return;  // shutdown with nothing left to serve
    std::function<void()> fn = std::move(lane->jobs.front().fn);
    lane->jobs.pop_front();
    lock.unlock();
    space_cv_.notify_one();
    fn();  // serves (and closes) one connection
    fn = nullptr;
    lock.lock();
  }
}

bool RefuseIfOverflow(httplib::Response& res) {
  if (!t_overflow_thread) return false;
  res.set_header("Retry-After", "1");
  // Closed after the answer: an overflow thread must not wait for a next request.
  res.set_header("Connection", "close");
  SendError(res, Status::Error(ErrorCode::kBusy,
                               "the server has too many open connections; retry shortly"));
  return true;
}

}  // namespace edgepix::http
