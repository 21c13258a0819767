// PixelBudget accounting: a mutex, a byte counter and a condition variable.

#include "image/pixel_budget.h"

#include <algorithm>

#include "image/pipeline.h"

namespace edgepix::image {

PixelBudget::Lease& PixelBudget::Lease::operator=(Lease&& o) noexcept {
  if (this != &o) {
    Release();
    budget_ = o.budget_;
    bytes_ = o.bytes_;
    o.budget_ = nullptr;
  }
  return *this;
}

void PixelBudget::Lease::Release() {
  if (budget_) budget_->Give(bytes_);
  budget_ = nullptr;
}

PixelBudget& PixelBudget::Process() {
  static PixelBudget budget(Limits{}.memory_budget_bytes);
  return budget;
}

bool PixelBudget::Fits(uint64_t bytes) const {
  return capacity_ == 0 || in_use_ == 0 || bytes <= capacity_ - std::min(capacity_, in_use_);
}

PixelBudget::Lease PixelBudget::Acquire(uint64_t bytes) {
  std::unique_lock<std::mutex> lock(mu_);
  if (!Fits(bytes)) {
    ++waiting_;
    cv_.wait(lock, [&] { return Fits(bytes); });
    --waiting_;
  }
  in_use_ += bytes;
  return Lease(this, bytes);
}

void PixelBudget::Give(uint64_t bytes) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    in_use_ -= bytes;
  }
  cv_.notify_all();
}

void PixelBudget::SetCapacity(uint64_t capacity) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (capacity_ == capacity) return;
    capacity_ = capacity;
  }
  cv_.notify_all();
}

uint64_t PixelBudget::capacity() const {
  std::lock_guard<std::mutex> lock(mu_);
  return capacity_;
}

uint64_t PixelBudget::in_use() const {
  std::lock_guard<std::mutex> lock(mu_);
  return in_use_;
}

int PixelBudget::waiting() const {
  std::lock_guard<std::mutex> lock(mu_);
  return waiting_;
}

}  // namespace edgepix::image
