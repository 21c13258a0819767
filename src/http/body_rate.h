// BodyRateWindow: decides, from successive readings of how many bytes a
// connection has received, whether a request body arrives too slowly.
//
// The body must bring at least `min_rate` bytes per second over each window of
// `window` length; the first reading opens the first window. A window that
// ends while bytes wait unread in the socket does not count against the
// client (the server fell behind, not the client): it starts over instead.
#pragma once

#include <chrono>
#include <cstdint>

namespace edgepix::http {

class BodyRateWindow {
 public:
  using Clock = std::chrono::steady_clock;

  BodyRateWindow() = default;  // a zero rate: never too slow
  BodyRateWindow(std::chrono::milliseconds window, uint64_t min_rate)
      : window_(window), min_rate_(min_rate) {}

  // One reading at `now`: `received` bytes so far on the connection, and
  // whether some of them wait unread. True when the window that just ended
  // brought fewer than min_rate bytes per second.
  bool TooSlow(uint64_t received, bool unread_waiting, Clock::time_point now);

 private:
  std::chrono::milliseconds window_{0};
  uint64_t min_rate_ = 0;
  bool open_ = false;
  Clock::time_point start_;
  uint64_t start_bytes_ = 0;
};

}  // namespace edgepix::http
