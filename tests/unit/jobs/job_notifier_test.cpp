// JobNotifier: condition-variable wake-ups across threads.
#include "jobs/job_notifier.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <thread>

using edgepix::JobNotifier;
using namespace std::chrono_literals;

// Generous: these tests never rely on the timeout elapsing when they expect a
// wake-up, the long timeout only stops a broken notifier from hanging CI.
constexpr auto kLong = std::chrono::milliseconds(30000);

TEST_CASE("A waiter wakes on Notify from another thread", "[notifier]") {
  JobNotifier n;
  auto sub = n.Subscribe("job1");
  std::atomic<bool> woke{false};
  std::thread waiter([&] { woke = sub->WaitFor(kLong); });
  // Whether the waiter is already blocked or not yet waiting, it must return true.
  n.Notify("job1");
  waiter.join();
  CHECK(woke);
}

TEST_CASE("Ping-pong between two threads never loses a wake-up", "[notifier]") {
  // Each side blocks until the other notifies; most rounds find the waiter
  // already asleep in the condition variable. A lost wake-up hangs (kLong).
  JobNotifier n;
  auto ping = n.Subscribe("ping");
  auto pong = n.Subscribe("pong");
  constexpr int kRounds = 200;
  std::atomic<int> answered{0};
  std::thread other([&] {
    for (int i = 0; i < kRounds; ++i) {
      if (!ping->WaitFor(kLong)) return;
      ++answered;
      n.Notify("pong");
    }
  });
  int received = 0;
  for (int i = 0; i < kRounds; ++i) {
    n.Notify("ping");
    if (pong->WaitFor(kLong)) ++received;
  }
  other.join();
  CHECK(answered == kRounds);
  CHECK(received == kRounds);
}

TEST_CASE("A notify between Subscribe and WaitFor is not missed", "[notifier]") {
  JobNotifier n;
  auto sub = n.Subscribe("job1");
  n.Notify("job1");
  CHECK(sub->WaitFor(0ms));
  // Consumed: the next wait sees no new change.
  CHECK_FALSE(sub->WaitFor(1ms));
  n.Notify("job1");
  n.Notify("job1");
  CHECK(sub->WaitFor(0ms));  // several notifies collapse into one wake-up
  CHECK_FALSE(sub->WaitFor(0ms));
}

TEST_CASE("Notify of another id or before subscribing does not wake", "[notifier]") {
  JobNotifier n;
  n.Notify("job1");  // nobody watching: forgotten
  auto sub = n.Subscribe("job1");
  n.Notify("job2");
  CHECK_FALSE(sub->WaitFor(1ms));
}

TEST_CASE("Every subscriber of an id wakes", "[notifier]") {
  JobNotifier n;
  auto a = n.Subscribe("job1");
  auto b = n.Subscribe("job1");
  CHECK(n.WatchedIds() == 1);
  std::atomic<int> woke{0};
  std::thread ta([&] { woke += a->WaitFor(kLong) ? 1 : 0; });
  std::thread tb([&] { woke += b->WaitFor(kLong) ? 1 : 0; });
  n.Notify("job1");
  ta.join();
  tb.join();
  CHECK(woke == 2);
}

TEST_CASE("Shutdown wakes waiters, which then report no change", "[notifier]") {
  JobNotifier n;
  auto sub = n.Subscribe("job1");
  std::atomic<int> result{-1};
  std::thread waiter([&] { result = sub->WaitFor(kLong) ? 1 : 0; });
  n.Shutdown();
  waiter.join();
  CHECK(result == 0);
  CHECK_FALSE(sub->WaitFor(kLong));  // returns at once after shutdown
}

TEST_CASE("WatchedIds counts ids with live subscriptions only", "[notifier]") {
  JobNotifier n;
  CHECK(n.WatchedIds() == 0);
  {
    auto a1 = n.Subscribe("a");
    auto a2 = n.Subscribe("a");
    auto b = n.Subscribe("b");
    CHECK(n.WatchedIds() == 2);
    a1.reset();
    CHECK(n.WatchedIds() == 2);
    a2.reset();
    CHECK(n.WatchedIds() == 1);
  }
  CHECK(n.WatchedIds() == 0);
  // A fresh subscription starts from the current state, not from old notifies.
  n.Notify("a");
  auto again = n.Subscribe("a");
  CHECK_FALSE(again->WaitFor(1ms));
}
