#include "http/bounded_task_queue.h"

#include "http/responses.h"

namespace edgepix::http {
namespace {

thread_local bool t_overflow_thread = false;

}  // namespace

BoundedTaskQueue::BoundedTaskQueue(size_t threads, size_t max_backlog, size_t overflow_threads,
                                   size_t overflow_backlog)
    : max_backlog_(max_backlog), overflow_backlog_(overflow_backlog) {
  if (threads < 1) threads = 1;
  if (overflow_threads < 1) overflow_threads = 1;
  for (size_t i = 0; i < threads; ++i) {
    main_.threads.emplace_back([this] { Work(&main_, false); });
  }
  for (size_t i = 0; i < overflow_threads; ++i) {
    overflow_.threads.emplace_back([this] { Work(&overflow_, true); });
  }
}

BoundedTaskQueue::~BoundedTaskQueue() { shutdown(); }

void BoundedTaskQueue::enqueue(std::function<void()> fn) {
  std::unique_lock<std::mutex> lock(mu_);
  Lane* lane = nullptr;
  while (true) {
    // A free thread takes it at once; otherwise it may wait in the bounded backlog.
    if (shutdown_ || main_.jobs.size() < main_.idle + max_backlog_) {
      main_.jobs.push_back(std::move(fn));
      lane = &main_;
      break;
    }
    if (overflow_.jobs.size() < overflow_.idle + overflow_backlog_) {
      overflow_.jobs.push_back(std::move(fn));
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

void BoundedTaskQueue::Work(Lane* lane, bool overflow) {
  t_overflow_thread = overflow;
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    ++lane->idle;
    lane->cv.wait(lock, [&] { return !lane->jobs.empty() || shutdown_; });
    --lane->idle;
    if (lane->jobs.empty()) return;  // shutdown with nothing left to serve
    std::function<void()> fn = std::move(lane->jobs.front());
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
  SendError(res, Status::Error(ErrorCode::kBusy,
                               "the server has too many open connections; retry shortly"));
  return true;
}

}  // namespace edgepix::http
