// CpuTokens: a process-wide notion of idle cores, so one image may use a
// second thread only when no other image needs that core.
//
// Every ProcessImage call holds one token while it works (Hold: always
// granted, even past the number of cores). A call that wants a helper thread
// asks TryExtra, granted only while the tokens held stay within the number of
// cores. Both are RAII; all counting is one atomic. Thread-safe.
#pragma once

#include <atomic>

namespace edgepix::image {

class CpuTokens {
 public:
  class Token {
   public:
    Token() = default;
    Token(Token&& o) noexcept : owner_(o.owner_) { o.owner_ = nullptr; }
    Token& operator=(Token&& o) noexcept {
      if (this != &o) {
        Reset();
        owner_ = o.owner_;
        o.owner_ = nullptr;
      }
      return *this;
    }
    Token(const Token&) = delete;
    Token& operator=(const Token&) = delete;
    ~Token() { Reset(); }
    void Reset() {
      if (owner_) owner_->held_.fetch_sub(1);
      owner_ = nullptr;
    }
    explicit operator bool() const { return owner_ != nullptr; }

   private:
    friend class CpuTokens;
    explicit Token(CpuTokens* o) : owner_(o) {}
    CpuTokens* owner_ = nullptr;
  };

  explicit CpuTokens(int cores) : cores_(cores < 1 ? 1 : cores) {}
  CpuTokens(const CpuTokens&) = delete;
  CpuTokens& operator=(const CpuTokens&) = delete;

  // Sized by std::thread::hardware_concurrency().
  static CpuTokens& Process();

  Token Hold();      // always granted
  Token TryExtra();  // empty Token when every core is taken
  int held() const { return held_.load(); }
  int cores() const { return cores_; }

 private:
  const int cores_;
  std::atomic<int> held_{0};
};

}  // namespace edgepix::image
