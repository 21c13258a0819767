// PixelBudget accounting and blocking, CpuTokens counting, and the decode
// footprint the pipeline charges to the budget.

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "image/cpu_tokens.h"
#include "image/decode.h"
#include "image/header.h"
#include "image/pixel_budget.h"
#include "unit/support/fixtures.h"

namespace ei = edgepix::image;
namespace et = edgepix::testing;

namespace {

// Polls (bounded) until the predicate holds; the tests assert on state, not
// on time.
template <typename F>
bool Eventually(F pred) {
  for (int i = 0; i < 2000 && !pred(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return pred();
}

}  // namespace

TEST_CASE("PixelBudget counts leases and gives them back on destruction", "[image][budget]") {
  ei::PixelBudget b(100);
  {
    auto a = b.Acquire(30);
    auto c = b.Acquire(50);
    CHECK(b.in_use() == 80);
    CHECK(a.bytes() == 30);
    ei::PixelBudget::Lease moved = std::move(a);
    CHECK(b.in_use() == 80);
    CHECK(a.bytes() == 0);
    moved.Release();
    moved.Release();  // idempotent
    CHECK(b.in_use() == 50);
  }
  CHECK(b.in_use() == 0);
}

TEST_CASE("PixelBudget blocks a request that does not fit until pixels come back",
          "[image][budget]") {
  ei::PixelBudget b(100);
  auto held = b.Acquire(70);
  std::atomic<bool> got{false};
  std::thread t([&] {
    auto l = b.Acquire(40);
    got = true;
  });
  REQUIRE(Eventually([&] { return b.waiting() == 1; }));
  CHECK_FALSE(got.load());
  CHECK(b.in_use() == 70);
  held.Release();
  t.join();
  CHECK(got.load());
  CHECK(b.in_use() == 0);
}

TEST_CASE("An oversized request runs alone instead of waiting forever", "[image][budget]") {
  ei::PixelBudget b(100);
  {
    auto big = b.Acquire(500);
    CHECK(b.in_use() == 500);
  }  // nothing else in flight: granted
  auto small = b.Acquire(10);
  std::atomic<bool> got{false};
  std::thread t([&] {
    auto l = b.Acquire(500);
    got = true;
  });
  REQUIRE(Eventually([&] { return b.waiting() == 1; }));
  CHECK_FALSE(got.load());
  small.Release();
  t.join();
  CHECK(got.load());
}

TEST_CASE("Raising the capacity or setting it to 0 wakes waiters", "[image][budget]") {
  ei::PixelBudget b(100);
  auto held = b.Acquire(90);
  std::thread t([&] { auto l = b.Acquire(50); });
  REQUIRE(Eventually([&] { return b.waiting() == 1; }));
  b.SetCapacity(0);  // unlimited
  t.join();
  CHECK(b.in_use() == 90);
}

TEST_CASE("CpuTokens grant extras only within the number of cores", "[image][tokens]") {
  ei::CpuTokens tokens(2);
  auto a = tokens.Hold();
  {
    auto extra = tokens.TryExtra();
    CHECK(static_cast<bool>(extra));
    CHECK(tokens.held() == 2);
    auto none = tokens.TryExtra();
    CHECK_FALSE(static_cast<bool>(none));
    auto forced = tokens.Hold();  // Hold is always granted
    CHECK(tokens.held() == 3);
  }
  CHECK(tokens.held() == 1);
  ei::CpuTokens::Token moved = std::move(a);
  CHECK(tokens.held() == 1);
  moved.Reset();
  CHECK(tokens.held() == 0);
}

TEST_CASE("Decode footprint: scaled output, plus the whole image when progressive",
          "[image][budget]") {
  auto baseline = ei::ReadHeader(et::MakeJpeg(1600, 1200), false);
  auto progressive = ei::ReadHeader(et::MakeJpeg(1600, 1200, {}, /*progressive=*/true), false);
  REQUIRE(baseline.ok());
  REQUIRE(progressive.ok());
  CHECK_FALSE(baseline->jpeg_progressive);
  CHECK(progressive->jpeg_progressive);
  // 400x300 needs no more than 1/4 scale: 400x300 RGB, plus libjpeg's rows.
  const uint64_t fixed = ei::DecodeFootprintBytes(*baseline, 400, 300) - 400u * 300 * 3;
  CHECK(fixed < 2u << 20);
  CHECK(ei::DecodeFootprintBytes(*baseline, 1600, 1200) == 1600u * 1200 * 3 + fixed);
  // Every coefficient of every component: 2 bytes a sample; the fixture is
  // 4:2:0 (1.5 samples a pixel), so 3 bytes a pixel.
  CHECK(progressive->jpeg_sampling_sum == 6);
  CHECK(progressive->jpeg_sampling_max == 4);
  CHECK(ei::DecodeFootprintBytes(*progressive, 400, 300) ==
        400u * 300 * 3 + 1600u * 1200 * 3 + fixed);
}
