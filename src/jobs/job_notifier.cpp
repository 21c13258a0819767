// JobNotifier: one {condition variable, counter} per watched id, refcounted by
// subscriptions, all guarded by the notifier's mutex.
#include "jobs/job_notifier.h"

namespace edgepix {

struct JobNotifier::Subscription::Entry {
  std::condition_variable cv;
  uint64_t counter = 0;  // Notify()s so far
  size_t subscribers = 0;
};

JobNotifier::Subscription::Subscription(JobNotifier* owner, std::string id,
                                        std::shared_ptr<Entry> entry, uint64_t seen)
    : owner_(owner), id_(std::move(id)), entry_(std::move(entry)), seen_(seen) {}

JobNotifier::Subscription::~Subscription() { owner_->Release(id_); }

bool JobNotifier::Subscription::WaitFor(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(owner_->mu_);
  entry_->cv.wait_for(lock, timeout,
                      [this] { return entry_->counter != seen_ || owner_->shutdown_; });
  if (entry_->counter == seen_) return false;  // timeout or shutdown
  seen_ = entry_->counter;
  return true;
}

JobNotifier::~JobNotifier() { Shutdown(); }

std::unique_ptr<JobNotifier::Subscription> JobNotifier::Subscribe(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  std::shared_ptr<Subscription::Entry>& entry = entries_[id];
  if (!entry) entry = std::make_shared<Subscription::Entry>();
  ++entry->subscribers;
  // Not make_unique: the constructor is private to JobNotifier.
  return std::unique_ptr<Subscription>(new Subscription(this, id, entry, entry->counter));
}

void JobNotifier::Notify(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(id);
  if (it == entries_.end()) return;  // nobody is watching: nothing to remember
  ++it->second->counter;
  it->second->cv.notify_all();
}

void JobNotifier::NotifyAll() {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [id, entry] : entries_) {
    ++entry->counter;
    entry->cv.notify_all();
  }
}

void JobNotifier::Shutdown() {
  std::lock_guard<std::mutex> lock(mu_);
  shutdown_ = true;
  for (auto& [id, entry] : entries_) entry->cv.notify_all();
}

size_t JobNotifier::WatchedIds() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

void JobNotifier::Release(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(id);
  if (it != entries_.end() && --it->second->subscribers == 0) entries_.erase(it);
}

}  // namespace edgepix
