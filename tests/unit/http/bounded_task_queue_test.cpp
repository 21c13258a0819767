// BoundedTaskQueue starts its connection threads as connections need them, up to
// its bound: an idle server does not hold --http-threads threads, and a burst
// of connections still gets a thread each up to the bound, then the backlog,
// then the overflow lane's 503.
#include "http/bounded_task_queue.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>

namespace edgepix::http {
namespace {

using namespace std::chrono_literals;

// The process's thread count (/proc/self/status), or -1.
int ThreadCount() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Threads:", 0) == 0) return std::stoi(line.substr(8));
  }
  return -1;
}

// Jobs that hold their thread until released, counting how many started and
// how many ran on an overflow thread.
struct Gate {
  std::mutex mu;
  std::condition_variable cv;
  int started = 0;
  int overflowed = 0;
  bool open = false;

  std::function<void()> Job() {
    return [this] {
      httplib::Response res;
      const bool overflow = RefuseIfOverflow(res);
      std::unique_lock<std::mutex> lock(mu);
      ++started;
      if (overflow) ++overflowed;
      cv.notify_all();
      // Bounded: a broken queue fails the checks below instead of hanging.
      cv.wait_for(lock, 20s, [this] { return open; });
    };
  }
  bool WaitStarted(int n) {
    std::unique_lock<std::mutex> lock(mu);
    return cv.wait_for(lock, 20s, [&] { return started >= n; });
  }
  void Open() {
    std::lock_guard<std::mutex> lock(mu);
    open = true;
    cv.notify_all();
  }
};

}  // namespace

TEST_CASE("BoundedTaskQueue: threads start as connections need them, up to the bound") {
  const int before = ThreadCount();
  REQUIRE(before > 0);
  Gate gate;
  {
    BoundedTaskQueue queue(64, /*max_backlog=*/0);
    // A few main threads and the overflow lane's, not 64.
    const int idle_threads = ThreadCount() - before;
    CHECK(idle_threads <= 8);

    // 64 connections held open at once each get a thread of their own.
    for (int i = 0; i < 64; ++i) queue.enqueue(gate.Job());
    REQUIRE(gate.WaitStarted(64));
    CHECK(gate.overflowed == 0);
    // 64 main threads and the overflow lane's (2 by default).
    CHECK(ThreadCount() - before == 64 + 2);

    // The bound is reached and the backlog is 0: the next one is refused by an
    // overflow thread (503), no 65th main thread is started.
    const int at_bound = ThreadCount();
    queue.enqueue(gate.Job());
    REQUIRE(gate.WaitStarted(65));
    CHECK(gate.overflowed == 1);
    CHECK(ThreadCount() == at_bound);
    gate.Open();
    queue.shutdown();
  }
  CHECK(ThreadCount() == before);
}

TEST_CASE("BoundedTaskQueue: connections one after another reuse the same threads") {
  const int before = ThreadCount();
  REQUIRE(before > 0);
  BoundedTaskQueue queue(1024, /*max_backlog=*/0);
  const int idle_threads = ThreadCount() - before;
  for (int i = 0; i < 200; ++i) {
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    queue.enqueue([&] {
      std::lock_guard<std::mutex> lock(mu);
      done = true;
      cv.notify_all();
    });
    std::unique_lock<std::mutex> lock(mu);
    REQUIRE(cv.wait_for(lock, 20s, [&] { return done; }));
  }
  CHECK(ThreadCount() - before == idle_threads);
  queue.shutdown();
}

}  // namespace edgepix::http
