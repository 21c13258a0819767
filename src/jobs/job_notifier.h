// JobNotifier: wakes long-polls and SSE streams when a job changes.
//
// A waiter first Subscribe()s, then reads the job from the store, and if it is
// unchanged calls Subscription::WaitFor. Any Notify(id) after the subscription
// was made wakes it, so no change between the read and the wait is missed.
// Waiting is a condition-variable wait, never a sleep loop. Memory is held only
// for ids that currently have subscribers. Thread-safe. A Subscription must
// not outlive its notifier.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace edgepix {

class JobNotifier {
 public:
  class Subscription {
   public:
    ~Subscription();
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;
    // Returns true if Notify(id) happened since subscribing or since the last
    // WaitFor that returned true; false on timeout or Shutdown().
    bool WaitFor(std::chrono::milliseconds timeout);

   private:
    friend class JobNotifier;
    struct Entry;
    Subscription(JobNotifier* owner, std::string id, std::shared_ptr<Entry> entry, uint64_t seen);
    JobNotifier* owner_;
    std::string id_;
    std::shared_ptr<Entry> entry_;
    uint64_t seen_;
  };

  JobNotifier() = default;
  ~JobNotifier();

  std::unique_ptr<Subscription> Subscribe(const std::string& id);
  void Notify(const std::string& id);
  // Wakes every current waiter once, as if each id were notified: they read
  // the store again (a change made elsewhere whose hint was lost).
  void NotifyAll();
  // Wakes every waiter for good (server shutdown).
  void Shutdown();
  // Number of ids with at least one subscriber (for tests and metrics).
  size_t WatchedIds() const;

 private:
  friend class Subscription;
  void Release(const std::string& id);
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<Subscription::Entry>> entries_;
  bool shutdown_ = false;
};

}  // namespace edgepix
