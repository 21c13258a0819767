// BodyRateWindow: a body is too slow only when a whole window brought fewer
// than min_rate bytes per second, and never when the server is the one behind.
#include "http/body_rate.h"

#include <catch2/catch.hpp>
#include <chrono>

namespace edgepix::http {
namespace {

using std::chrono::milliseconds;
const BodyRateWindow::Clock::time_point t0{};

}  // namespace

TEST_CASE("BodyRateWindow: the first reading opens a window and judges nothing") {
  BodyRateWindow w(milliseconds(2000), 1000);
  CHECK_FALSE(w.TooSlow(100, false, t0 + milliseconds(5000)));
}

TEST_CASE("BodyRateWindow: readings inside a window judge nothing") {
  BodyRateWindow w(milliseconds(2000), 1000);
  CHECK_FALSE(w.TooSlow(100, false, t0));
  CHECK_FALSE(w.TooSlow(100, false, t0 + milliseconds(1000)));
  CHECK_FALSE(w.TooSlow(100, false, t0 + milliseconds(1999)));
}

TEST_CASE("BodyRateWindow: a window with too few bytes is too slow") {
  BodyRateWindow w(milliseconds(2000), 1000);
  CHECK_FALSE(w.TooSlow(100, false, t0));
  // 2.5 s at 1000 B/s need 2500 bytes; 2499 arrived.
  CHECK(w.TooSlow(100 + 2499, false, t0 + milliseconds(2500)));
}

TEST_CASE("BodyRateWindow: enough bytes start the next window, which is judged on its own") {
  BodyRateWindow w(milliseconds(2000), 1000);
  CHECK_FALSE(w.TooSlow(0, false, t0));
  CHECK_FALSE(w.TooSlow(2000, false, t0 + milliseconds(2000)));  // exactly the rate
  // A burst earlier gives no credit: the next window must bring its own bytes.
  CHECK(w.TooSlow(2000 + 10, false, t0 + milliseconds(4000)));
}

TEST_CASE("BodyRateWindow: a window that ends with bytes unread does not count") {
  BodyRateWindow w(milliseconds(2000), 1000);
  CHECK_FALSE(w.TooSlow(0, false, t0));
  CHECK_FALSE(w.TooSlow(10, true, t0 + milliseconds(2000)));  // server behind: restart
  CHECK(w.TooSlow(20, false, t0 + milliseconds(4000)));       // client behind: too slow
}

TEST_CASE("BodyRateWindow: a default window (rate 0) is never too slow") {
  BodyRateWindow w;
  CHECK_FALSE(w.TooSlow(0, false, t0));
  CHECK_FALSE(w.TooSlow(0, false, t0 + milliseconds(60000)));
}

}  // namespace edgepix::http
