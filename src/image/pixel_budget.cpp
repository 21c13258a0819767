// PixelBudget accounting: a mutex, a counter and a condition variable.

#include "image/pixel_budget.h"

#include <algorithm>

namespace edgepix::image {

PixelBudget::Lease& PixelBudget::Lease::operator=(Lease&& o) noexcept {
  if (this != &o) {
    Release();
    budget_ = o.budget_;
    pixels_ = o.pixels_;
    o.budget_ = nullptr;
  }
  return *this;
}

void PixelBudget::Lease::Release() {
  if (budget_) budget_->Give(pixels_);
  budget_ = nullptr;
}

PixelBudget& PixelBudget::Process() {
  static PixelBudget budget(64ull * 1000 * 1000);
  return budget;
}

bool PixelBudget::Fits(uint64_t pixels) const {
  return capacity_ == 0 || in_use_ == 0 || pixels <= capacity_ - std::min(capacity_, in_use_);
}

PixelBudget::Lease PixelBudget::Acquire(uint64_t pixels) {
  std::unique_lock<std::mutex> lock(mu_);
  if (!Fits(pixels)) {
    ++waiting_;
    cv_.wait(lock, [&] { return Fits(pixels); });
    --waiting_;
  }
  in_use_ += pixels;
  return Lease(this, pixels);
}

void PixelBudget::Give(uint64_t pixels) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    in_use_ -= pixels;
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
