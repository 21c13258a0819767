// WorkerPool: the threads that run image jobs, apart from the HTTP threads.
//
// Each worker claims the oldest PENDING job from the JobStore and hands it to
// the JobProcessor. Workers run at a lower scheduling priority (nice +10) so
// the API stays responsive while every core is busy. Wake() after an upload
// makes an idle worker look at once; waiting is a condition-variable wait.
// Stop() lets running jobs finish and joins the threads.
//
// A pool made `held` claims nothing until Release(): start-up recovery that
// could not write yet (a full disk) must requeue interrupted jobs before any
// worker claims, while the HTTP side already serves reads and deletes.
// Thread-safety: Wake, Release, Stop and busy may be called from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "jobs/job_processor.h"
#include "jobs/job_store.h"

namespace edgepix {

class WorkerPool {
 public:
  // `threads` >= 0 (0: a node that only serves the API while other nodes
  // sharing its job store process); `nice_increment` applied to each worker
  // thread (0 = none).
  WorkerPool(JobStore* store, JobProcessor* processor, int threads, int nice_increment = 10,
             bool held = false);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void Wake();
  // Lets a pool made `held` start claiming; no-op otherwise.
  void Release();
  void Stop();
  int busy() const { return busy_.load(); }
  int size() const { return static_cast<int>(threads_.size()); }

 private:
  void Loop(int nice_increment);
  JobStore* store_;
  JobProcessor* processor_;
  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t wake_seq_ = 0;
  bool stopping_ = false;
  bool held_ = false;
  std::atomic<int> busy_{0};
  std::vector<std::thread> threads_;
};

}  // namespace edgepix
