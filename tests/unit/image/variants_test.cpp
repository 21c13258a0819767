// Variant specs and resize planning (cover / inside / fill, never upscale).

#include <catch2/catch.hpp>

#include "image/pipeline.h"
#include "image/resize.h"

namespace ei = edgepix::image;
using edgepix::ErrorCode;

TEST_CASE("DefaultVariants matches the design", "[image][variants]") {
  auto v = ei::DefaultVariants();
  REQUIRE(v.size() == 3);
  CHECK((v[0].name == "thumb" && v[0].width == 150 && v[0].fit == ei::Fit::kCover));
  CHECK((v[1].name == "medium" && v[1].width == 640 && v[1].fit == ei::Fit::kInside));
  CHECK((v[2].name == "large" && v[2].height == 1280 && v[2].quality == 85));
}

TEST_CASE("ParseVariantSpec accepts NAME:WxH:FIT[:QUALITY]", "[image][variants]") {
  auto a = ei::ParseVariantSpec("square_2x:300x200:fill:70");
  REQUIRE(a.ok());
  CHECK(a->name == "square_2x");
  CHECK(a->width == 300);
  CHECK(a->height == 200);
  CHECK(a->fit == ei::Fit::kFill);
  CHECK(a->quality == 70);
  auto b = ei::ParseVariantSpec("hero:1920x1080:inside");
  REQUIRE(b.ok());
  CHECK(b->quality == 85);
  for (const char* bad : {"", "x:1x1", "Big:10x10:cover", "a:10:cover", "a:0x10:cover",
                          "a:10x10:stretch", "a:10x10:cover:101", "a:10x10:cover:9:9",
                          "a:10x-1:cover", "waytoolongnamewaytoolongnamewaytoolong:1x1:fill"}) {
    INFO(bad);
    auto r = ei::ParseVariantSpec(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == ErrorCode::kBadRequest);
  }
}

TEST_CASE("PlanOutput inside fits and never upscales", "[image][resize]") {
  auto p = ei::PlanOutput(4000, 3000, 640, 640, ei::Fit::kInside);
  CHECK(p.width == 640);
  CHECK(p.height == 480);
  CHECK(p.crop_fx == 1.0);
  auto tall = ei::PlanOutput(1000, 3000, 640, 640, ei::Fit::kInside);
  CHECK(tall.width == 213);
  CHECK(tall.height == 640);
  auto small = ei::PlanOutput(100, 80, 640, 640, ei::Fit::kInside);
  CHECK(small.width == 100);
  CHECK(small.height == 80);
}

TEST_CASE("PlanOutput cover crops to the target aspect", "[image][resize]") {
  auto p = ei::PlanOutput(4000, 3000, 150, 150, ei::Fit::kCover);
  CHECK(p.width == 150);
  CHECK(p.height == 150);
  CHECK(p.crop_fx == Approx(0.75));
  CHECK(p.crop_fy == Approx(1.0));
  // Smaller than the target: crop to the aspect, never upscale.
  auto small = ei::PlanOutput(100, 80, 150, 150, ei::Fit::kCover);
  CHECK(small.width == 80);
  CHECK(small.height == 80);
  auto wide = ei::PlanOutput(100, 80, 200, 100, ei::Fit::kCover);
  CHECK(wide.width == 100);
  CHECK(wide.height == 50);
}

TEST_CASE("PlanOutput fill stretches, clamped to the source", "[image][resize]") {
  auto p = ei::PlanOutput(4000, 3000, 300, 300, ei::Fit::kFill);
  CHECK(p.width == 300);
  CHECK(p.height == 300);
  CHECK(p.crop_fx == 1.0);
  auto small = ei::PlanOutput(100, 80, 300, 50, ei::Fit::kFill);
  CHECK(small.width == 100);
  CHECK(small.height == 50);
}

TEST_CASE("ResizeCentred crops the centre and keeps size on 1:1", "[image][resize]") {
  auto src = ei::PixelBuffer::Allocate(40, 20, 3);
  REQUIRE(src.ok());
  for (int y = 0; y < 20; ++y) {
    for (int x = 0; x < 40; ++x) {
      uint8_t* p = src->row(y) + x * 3;
      p[0] = uint8_t(x * 6), p[1] = uint8_t(y * 12), p[2] = 7;
    }
  }
  auto same = ei::ResizeCentred(*src, 0.5, 1.0, 20, 20);  // exact centre crop, no filtering
  REQUIRE(same.ok());
  CHECK(same->row(0)[0] == 10 * 6);
  CHECK(same->row(19)[19 * 3 + 1] == 19 * 12);
  auto half = ei::ResizeCentred(*src, 1.0, 1.0, 20, 10);
  REQUIRE(half.ok());
  CHECK(half->width == 20);
  CHECK(half->height == 10);
  CHECK(half->row(5)[10 * 3 + 2] == 7);
}

TEST_CASE("The parallel-variants spellings round-trip, others are refused", "[image]") {
  for (auto p : {ei::ParallelVariants::kWhenIdle, ei::ParallelVariants::kNever,
                 ei::ParallelVariants::kAlways}) {
    auto parsed = ei::ParseParallelVariants(ei::ParallelVariantsName(p));
    REQUIRE(parsed.has_value());
    CHECK(*parsed == p);
  }
  CHECK(std::string(ei::ParallelVariantsName(ei::PipelineOptions{}.parallel)) == "when-idle");
  CHECK_FALSE(ei::ParseParallelVariants("").has_value());
  CHECK_FALSE(ei::ParseParallelVariants("Never").has_value());
  CHECK_FALSE(ei::ParseParallelVariants("1").has_value());
}
