// PixelBudget: a process-wide cap on decoded pixels in flight.
//
// A decode asks for the pixels it will hold (its output, plus the whole
// image for progressive JPEGs, whose decoder keeps every DCT coefficient even
// when scaling on load) before allocating, and gives them back when its
// Lease dies. Acquire blocks while the budget is exhausted; a request larger
// than the whole capacity waits until nothing else is in flight and then runs
// alone, so no request can wait forever. A capacity of 0 means unlimited.
// Thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace edgepix::image {

class PixelBudget {
 public:
  class Lease {
   public:
    Lease() = default;
    Lease(Lease&& o) noexcept : budget_(o.budget_), pixels_(o.pixels_) { o.budget_ = nullptr; }
    Lease& operator=(Lease&& o) noexcept;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() { Release(); }
    void Release();  // early give-back; idempotent
    uint64_t pixels() const { return budget_ ? pixels_ : 0; }

   private:
    friend class PixelBudget;
    Lease(PixelBudget* b, uint64_t px) : budget_(b), pixels_(px) {}
    PixelBudget* budget_ = nullptr;
    uint64_t pixels_ = 0;
  };

  explicit PixelBudget(uint64_t capacity) : capacity_(capacity) {}
  PixelBudget(const PixelBudget&) = delete;
  PixelBudget& operator=(const PixelBudget&) = delete;

  // The budget shared by every ProcessImage call in the process.
  static PixelBudget& Process();

  Lease Acquire(uint64_t pixels);
  void SetCapacity(uint64_t capacity);  // wakes waiters; 0 = unlimited
  uint64_t capacity() const;
  uint64_t in_use() const;
  int waiting() const;  // threads blocked in Acquire (for tests)

 private:
  bool Fits(uint64_t pixels) const;  // mu_ held
  void Give(uint64_t pixels);

  mutable std::mutex mu_;
  std::condition_variable cv_;
  uint64_t capacity_;
  uint64_t in_use_ = 0;
  int waiting_ = 0;
};

}  // namespace edgepix::image
