// PixelBudget: a process-wide cap on the bytes decodes hold at once.
//
// A decode asks for the bytes it will hold at its peak (DecodeFootprintBytes:
// its output plus the decoder's own working memory, e.g. every DCT coefficient
// of a progressive JPEG) before allocating, and gives them back when its
// Lease dies. Images that could never fit are refused earlier (CheckHeader). Acquire blocks while
// the budget is exhausted; a request larger than the whole capacity waits until nothing else is in
// flight and then runs alone, so no request can wait forever. A capacity of 0 means unlimited.
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
    Lease(Lease&& o) noexcept : budget_(o.budget_), bytes_(o.bytes_) { o.budget_ = nullptr; }
    Lease& operator=(Lease&& o) noexcept;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() { Release(); }
    void Release();  // early give-back; idempotent
    uint64_t bytes() const { return budget_ ? bytes_ : 0; }

   private:
    friend class PixelBudget;
    Lease(PixelBudget* b, uint64_t n) : budget_(b), bytes_(n) {}
    PixelBudget* budget_ = nullptr;
    uint64_t bytes_ = 0;
  };

  explicit PixelBudget(uint64_t capacity) : capacity_(capacity) {}
  PixelBudget(const PixelBudget&) = delete;
  PixelBudget& operator=(const PixelBudget&) = delete;

  // The budget shared by every ProcessImage call in the process.
  static PixelBudget& Process();

  Lease Acquire(uint64_t bytes);
  void SetCapacity(uint64_t capacity);  // wakes waiters; 0 = unlimited
  uint64_t capacity() const;
  uint64_t in_use() const;
  int waiting() const;  // threads blocked in Acquire (for tests)

 private:
  bool Fits(uint64_t bytes) const;  // mu_ held
  void Give(uint64_t bytes);

  mutable std::mutex mu_;
  std::condition_variable cv_;
  uint64_t capacity_;
  uint64_t in_use_ = 0;
  int waiting_ = 0;
};

}  // namespace edgepix::image
