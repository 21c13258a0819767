// CpuTokens: one atomic counter of busy image threads.

#include "image/cpu_tokens.h"

#include <thread>

namespace edgepix::image {

CpuTokens& CpuTokens::Process() {
  static CpuTokens tokens(static_cast<int>(std::thread::hardware_concurrency()));
  return tokens;
}

CpuTokens::Token CpuTokens::Hold() {
  held_.fetch_add(1);
  return Token(this);
}

CpuTokens::Token CpuTokens::TryExtra() {
  int n = held_.load();
  while (n < cores_) {
    if (held_.compare_exchange_weak(n, n + 1)) return Token(this);
  }
  return Token();
}

}  // namespace edgepix::image
