// DirSyncCoalescer (storage/dir_sync_coalescer.h) on real files: many threads
// rename a file into one directory and ask for its fsync; each returns only
// after an fsync that started after its rename and ended before it returned,
// with that fsync's status, and they share fewer fsyncs than callers.
#include "storage/dir_sync_coalescer.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "unit/support/fault_injection_env.h"
#include "unit/support/fixtures.h"

using namespace edgepix;
using namespace edgepix::testing;

namespace {

// A FaultInjectionEnv that stamps each directory fsync's start and end on one
// logical clock (shared with the test threads), with its status. An fsync can
// be held at its start until Release().
class RecordingEnv : public FaultInjectionEnv {
 public:
  struct Sync {
    long start, end;
    Status status;
  };

  long Tick() { return clock_.fetch_add(1) + 1; }

  Status SyncDir(const std::string& dir) override {
    const long start = Tick();
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (hold_) {
        ++held_;
        cv_.notify_all();
        cv_.wait(lock, [&] { return !hold_; });
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // widen the window
    Status st = FaultInjectionEnv::SyncDir(dir);
    const long end = Tick();
    std::lock_guard<std::mutex> lock(mu_);
    syncs_.push_back({start, end, st});
    return st;
  }

  void Hold() {
    std::lock_guard<std::mutex> lock(mu_);
    hold_ = true;
  }
  // Waits until `n` fsyncs have been held at their start.
  void WaitHeld(int n = 1) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return held_ >= n; });
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mu_);
    hold_ = false;
    cv_.notify_all();
  }
  std::vector<Sync> syncs() {
    std::lock_guard<std::mutex> lock(mu_);
    return syncs_;
  }

 private:
  std::atomic<long> clock_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  bool hold_ = false;
  int held_ = 0;
  std::vector<Sync> syncs_;
};

struct Caller {
  long renamed = 0;   // clock after its rename
  long returned = 0;  // clock after SyncDir returned
  Status status;
};

// The fsync that covers `c`: started after its rename, ended before it
// returned, and gave it its status.
bool Covered(const Caller& c, const std::vector<RecordingEnv::Sync>& syncs) {
  for (const auto& s : syncs) {
    if (s.start > c.renamed && s.end < c.returned && s.status.code() == c.status.code()) {
      return true;
    }
  }
  return false;
}

void WriteAndRename(Env* env, const TempDir& tmp, const std::string& name) {
  auto file = env->NewWritableFile(tmp.Join("staging/" + name));
  REQUIRE(file.ok());
  REQUIRE((*file)->Append("x", 1).ok());
  REQUIRE((*file)->Close().ok());
  REQUIRE(env->RenameFile(tmp.Join("staging/" + name), tmp.Join("dir/" + name)).ok());
}

}  // namespace

TEST_CASE("dir sync coalescer: each caller returns after an fsync begun after its rename") {
  TempDir tmp;
  RecordingEnv env;
  REQUIRE(env.CreateDirs(tmp.Join("dir")).ok());
  REQUIRE(env.CreateDirs(tmp.Join("staging")).ok());
  DirSyncCoalescer coalescer(&env);
  const int kThreads = 16, kEach = 10;
  std::vector<Caller> callers(kThreads * kEach);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        Caller& c = callers[t * kEach + i];
        WriteAndRename(&env, tmp, "f" + std::to_string(t) + "-" + std::to_string(i));
        c.renamed = env.Tick();
        c.status = coalescer.SyncDir(tmp.Join("dir"));
        c.returned = env.Tick();
      }
    });
  }
  for (auto& t : threads) t.join();
  const auto syncs = env.syncs();
  for (const Caller& c : callers) {
    CHECK(c.status.ok());
    CHECK(Covered(c, syncs));
  }
  CHECK(coalescer.syncs() == static_cast<long>(syncs.size()));
  CHECK(env.Calls(FaultOp::kSyncDir) == static_cast<int>(syncs.size()));
  // Shared: 160 callers, 2 ms per fsync, 16 at a time.
  CHECK(syncs.size() < callers.size());
  INFO(syncs.size() << " fsyncs for " << callers.size() << " callers");
}

TEST_CASE("dir sync coalescer: an fsync error reaches every caller it covered, and only them") {
  TempDir tmp;
  RecordingEnv env;
  REQUIRE(env.CreateDirs(tmp.Join("dir")).ok());
  REQUIRE(env.CreateDirs(tmp.Join("staging")).ok());
  DirSyncCoalescer coalescer(&env);

  // The first caller's fsync is held while the others queue behind it; the
  // second fsync (theirs) fails.
  env.Hold();
  Caller first;
  std::thread leader([&] {
    WriteAndRename(&env, tmp, "first");
    first.renamed = env.Tick();
    first.status = coalescer.SyncDir(tmp.Join("dir"));
    first.returned = env.Tick();
  });
  env.WaitHeld();
  const int kFollowers = 8;
  std::vector<Caller> followers(kFollowers);
  std::atomic<int> renamed{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kFollowers; ++i) {
    threads.emplace_back([&, i] {
      WriteAndRename(&env, tmp, "f" + std::to_string(i));
      followers[i].renamed = env.Tick();
      ++renamed;
      followers[i].status = coalescer.SyncDir(tmp.Join("dir"));
      followers[i].returned = env.Tick();
    });
  }
  while (renamed.load() < kFollowers) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // all waiting on the first fsync
  // The held fsync is counted (and could fail) only once released: it is the
  // next call, the followers' one is the second.
  env.FailNth(FaultOp::kSyncDir, 2);
  env.Release();
  leader.join();
  for (auto& t : threads) t.join();

  const auto syncs = env.syncs();
  CHECK(first.status.ok());
  CHECK(Covered(first, syncs));
  int failed = 0;
  for (const Caller& c : followers) {
    CHECK(Covered(c, syncs));
    if (!c.status.ok()) {
      CHECK(c.status.code() == ErrorCode::kIoError);
      ++failed;
    }
  }
  // The failing fsync covered every follower: they all queued before it.
  CHECK(failed == kFollowers);
  CHECK(syncs.size() == 2);

  // The error is not sticky: the next caller runs a fresh fsync.
  env.ClearFaults();
  Caller next;
  WriteAndRename(&env, tmp, "next");
  next.renamed = env.Tick();
  next.status = coalescer.SyncDir(tmp.Join("dir"));
  next.returned = env.Tick();
  CHECK(next.status.ok());
  CHECK(Covered(next, env.syncs()));
}

TEST_CASE("dir sync coalescer: different directories do not wait for each other's fsync") {
  TempDir tmp;
  RecordingEnv env;
  REQUIRE(env.CreateDirs(tmp.Join("a")).ok());
  REQUIRE(env.CreateDirs(tmp.Join("b")).ok());
  DirSyncCoalescer coalescer(&env);
  env.Hold();
  Status a_status;
  std::thread a([&] { a_status = coalescer.SyncDir(tmp.Join("a")); });
  env.WaitHeld();
  // a's fsync is held; b's must still be able to start (and is held too).
  std::atomic<bool> b_done{false};
  std::thread b([&] {
    CHECK(coalescer.SyncDir(tmp.Join("b")).ok());
    b_done = true;
  });
  env.WaitHeld(2);
  CHECK_FALSE(b_done.load());
  env.Release();
  a.join();
  b.join();
  CHECK(a_status.ok());
  CHECK(b_done.load());
}
