#include "jobs/worker_pool.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "common/log.h"

namespace edgepix {

WorkerPool::WorkerPool(JobStore* store, JobProcessor* processor, int threads, int nice_increment,
                       bool held)
    : store_(store), processor_(processor), held_(held) {
  threads = std::max(0, threads);
  for (int i = 0; i < threads; ++i) {
    threads_.emplace_back([this, nice_increment] { Loop(nice_increment); });
  }
}

WorkerPool::~WorkerPool() { Stop(); }

void WorkerPool::Wake() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++wake_seq_;
  }
  cv_.notify_all();
}

void WorkerPool::Release() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    held_ = false;
    ++wake_seq_;
  }
  cv_.notify_all();
}

void WorkerPool::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
  }
  processor_->Interrupt();  // a job in a retry backoff gives up its wait
  cv_.notify_all();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

void WorkerPool::Loop(int nice_increment) {
  if (nice_increment != 0) {
    // On Linux, nice applies per thread (tid).
    pid_t tid = static_cast<pid_t>(syscall(SYS_gettid));
    setpriority(PRIO_PROCESS, static_cast<id_t>(tid), nice_increment);
  }
  while (true) {
    uint64_t seen;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !held_; });
      if (stopping_) return;
      seen = wake_seq_;
    }
    auto claimed = store_->ClaimNext();
    if (claimed.ok() && claimed->has_value()) {
      ++busy_;
      processor_->Run(**claimed);
      --busy_;
      // Idle workers look again: a job that runs alone (a suspect) has ended.
      if ((*claimed)->suspect) Wake();
      continue;
    }
    if (!claimed.ok()) {
      log::Error("worker: cannot claim a job: " + claimed.status().ToString());
    }
    std::unique_lock<std::mutex> lock(mu_);
    // The timeout only covers jobs made PENDING by another process or a retry.
    cv_.wait_for(lock, std::chrono::seconds(1), [&] { return stopping_ || wake_seq_ != seen; });
  }
}

}  // namespace edgepix
