// GroupCommit (common/group_commit.h): every request is run in exactly one
// batch, after it was queued, and its caller gets the status `run` gave it;
// a batch that throws fails all its callers and the next batch runs normally.
#include "common/group_commit.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace edgepix;

TEST_CASE("group commit: each request runs once, after it was queued, with its own status") {
  GroupCommit<int> group;
  std::atomic<long> clock{0};
  std::mutex mu;
  std::multiset<int> ran;         // every request run, with repeats
  std::vector<long> run_at(256);  // clock when the request's batch ran
  std::atomic<int> batches{0};
  std::vector<std::thread> threads;
  std::vector<long> queued_at(256);
  std::vector<Status> got(256);
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 16; ++i) {
        int* request = new int(t * 16 + i);
        queued_at[*request] = ++clock;
        got[*request] = group.Submit(
            request, [] { return 0; },
            [&](int, GroupCommit<int>::Batch& batch) {
              ++batches;
              const long now = ++clock;
              std::this_thread::sleep_for(std::chrono::microseconds(200));
              std::lock_guard<std::mutex> lock(mu);
              for (auto* e : batch) {
                ran.insert(*e->request);
                run_at[*e->request] = now;
                // Odd requests fail, each with an error naming itself.
                e->status = *e->request % 2
                                ? Status::Error(ErrorCode::kConflict, std::to_string(*e->request))
                                : Status::Ok();
              }
            });
        delete request;
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(ran.size() == 256);
  CHECK(std::set<int>(ran.begin(), ran.end()).size() == 256);  // each exactly once
  for (int r = 0; r < 256; ++r) {
    CHECK(run_at[r] > queued_at[r]);
    if (r % 2) {
      CHECK(got[r].code() == ErrorCode::kConflict);
      CHECK(got[r].message() == std::to_string(r));
    } else {
      CHECK(got[r].ok());
    }
  }
  CHECK(batches.load() < 256);  // shared
}

TEST_CASE("group commit: a batch that throws fails its callers, the next one works") {
  GroupCommit<int> group;
  int a = 1, b = 2;
  Status failed = group.Submit(
      &a, [] { return 0; },
      [](int, GroupCommit<int>::Batch&) { throw std::runtime_error("disk on fire"); });
  CHECK(failed.code() == ErrorCode::kInternal);
  Status before_failed = group.Submit(
      &a, []() -> int { throw std::runtime_error("no lock"); },
      [](int, GroupCommit<int>::Batch&) {});
  CHECK(before_failed.code() == ErrorCode::kInternal);
  Status ok = group.Submit(
      &b, [] { return 0; },
      [](int, GroupCommit<int>::Batch& batch) {
        for (auto* e : batch) e->status = Status::Ok();
      });
  CHECK(ok.ok());
}
