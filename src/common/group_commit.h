// GroupCommit: concurrent callers share one expensive durable step (a
// directory fsync, a transaction commit) instead of running one each.
//
// Submit(request, before, run) queues `request` and blocks until a batch that
// holds it has been run, then returns the status `run` gave that request.
// Leader/follower, no thread of its own: a caller that finds no batch in
// progress becomes the leader; it calls `before()` (whose result, e.g. a lock,
// it keeps until the batch has run), then takes every request queued by then,
// its own included, and calls `run(held, batch)` once on them, `held` being
// what `before()` returned. Callers that arrive
// while a batch runs wait, and one of them leads the next batch.
//
// What it promises:
//  - `run` sees a request only after Submit queued it, so work `run` starts
//    (an fsync, a COMMIT) started after everything its caller did before
//    calling Submit: a caller that renamed a file and then Submit-ted a
//    directory fsync returns only after an fsync that began after its rename.
//  - Every request is in exactly one batch; a caller returns only once that
//    batch's `run` has returned, with the status `run` set for that request
//    (an error if `run` set none: a request is never reported done by default).
//  - One batch runs at a time per GroupCommit object.
//
// `run(held, std::vector<Entry*>&)` must set each entry's `status`; neither
// `before` nor `run` should throw: if one does, every request of the batch
// (the leader's included) gets a kInternal error, whatever `run` had done.
//
// Thread-safety: Submit may be called from any number of threads; `request`
// must outlive the call. `before` and `run` run on the leader's thread,
// without the GroupCommit's internal lock held.
#pragma once

#include <condition_variable>
#include <mutex>
#include <vector>

#include "common/status.h"

namespace edgepix {

template <typename Request>
class GroupCommit {
 public:
  struct Entry {
    Request* request;
    Status status = Status::Error(ErrorCode::kInternal, "group commit: request not run");
    bool done = false;
  };
  using Batch = std::vector<Entry*>;

  template <typename Before, typename Run>
  Status Submit(Request* request, Before&& before, Run&& run) {
    Entry mine{request};
    std::unique_lock<std::mutex> lock(mu_);
    queue_.push_back(&mine);
    while (!mine.done && leading_) cv_.wait(lock);
    if (mine.done) return mine.status;
    // No batch in progress and ours not run yet: lead one.
    leading_ = true;
    lock.unlock();
    Batch batch;
    try {
      auto held = before();
      {
        std::lock_guard<std::mutex> take(mu_);
        batch.swap(queue_);
      }
      run(held, batch);
    } catch (...) {
      // Last resort (`before` and `run` must not throw): no caller may wait
      // forever, and none may take an unknown outcome for success.
      std::lock_guard<std::mutex> take(mu_);
      if (batch.empty()) batch.swap(queue_);
      for (Entry* e : batch) {
        e->status = Status::Error(ErrorCode::kInternal, "group commit: the batch failed");
      }
    }
    lock.lock();
    for (Entry* e : batch) e->done = true;
    leading_ = false;
    cv_.notify_all();
    return mine.status;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  Batch queue_;  // queued, not yet taken by a leader
  bool leading_ = false;
};

}  // namespace edgepix
