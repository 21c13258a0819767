#include "http/body_rate.h"

namespace edgepix::http {

bool BodyRateWindow::TooSlow(uint64_t received, bool unread_waiting, Clock::time_point now) {
  if (open_ && now - start_ < window_) return false;
  const bool ended = open_;
  const double seconds = std::chrono::duration<double>(now - start_).count();
  const uint64_t brought = received - start_bytes_;
  open_ = true;
  start_ = now;
  start_bytes_ = received;
  if (!ended || unread_waiting) return false;
  return static_cast<double>(brought) < seconds * static_cast<double>(min_rate_);
}

}  // namespace edgepix::http
