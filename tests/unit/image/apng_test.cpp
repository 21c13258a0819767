// Animated PNG (APNG): frames read from acTL/fcTL/fdAT and composited as the
// APNG specification says (ApngFrames), then animated WebP variants with the
// same frame count, delays and play count; over --max-frames, stills.

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "image/apng_frames.h"
#include "image/pipeline.h"
#include "unit/support/apng_fixtures.h"
#include "unit/support/webp_animation.h"

namespace ei = edgepix::image;
namespace et = edgepix::testing;

namespace {

std::vector<int> Px(const ei::PixelBuffer& b, int x, int y) {
  const uint8_t* p = b.row(y) + size_t(x) * 4;
  return {p[0], p[1], p[2], p[3]};
}

et::ApngFrameSpec Flat(int w, int h, int x, int y, uint32_t colour, uint8_t dispose,
                       uint8_t blend) {
  et::ApngFrameSpec f;
  f.width = w;
  f.height = h;
  f.x = x;
  f.y = y;
  f.colour = colour;
  f.dispose = dispose;
  f.blend = blend;
  return f;
}

}  // namespace

TEST_CASE("APNG frames are composited with their dispose and blend operations", "[image][apng]") {
  et::ApngSpec spec;
  spec.width = 4;
  spec.height = 4;
  spec.plays = 3;
  // 0: opaque red everywhere, kept.
  spec.frames.push_back(Flat(4, 4, 0, 0, 0xff0000ff, /*dispose=*/0, /*blend=*/0));
  // 1: half-transparent blue over (1,1)-(2,2), then restored to before it.
  spec.frames.push_back(Flat(2, 2, 1, 1, 0x0000ff80, /*dispose=*/2, /*blend=*/1));
  // 2: transparent green written as is at (0,0) ("source"), then cleared.
  spec.frames.push_back(Flat(1, 1, 0, 0, 0x00ff0000, /*dispose=*/1, /*blend=*/0));
  // 3: opaque white 1x1 at (3,3), over.
  spec.frames.push_back(Flat(1, 1, 3, 3, 0xffffffff, /*dispose=*/0, /*blend=*/1));
  spec.frames[1].delay_num = 3;
  spec.frames[1].delay_den = 0;  // 0 means hundredths: 30 ms

  const std::string apng = et::MakeApng(spec);  // outlives the reader, which refers to it
  auto a = ei::ApngFrames::Open(apng);
  REQUIRE(a.ok());
  auto& frames = **a;
  CHECK(frames.frame_count() == 4);
  CHECK(frames.plays() == 3);
  CHECK(frames.width() == 4);

  REQUIRE(*frames.Next());
  CHECK(Px(frames.canvas(), 1, 1) == std::vector<int>{255, 0, 0, 255});
  CHECK(frames.delay_ms() == 100);

  REQUIRE(*frames.Next());
  // Blue at alpha 128 over opaque red: about half and half, opaque.
  const auto mixed = Px(frames.canvas(), 1, 1);
  CHECK(mixed[0] == Approx(127).margin(1));
  CHECK(mixed[2] == Approx(128).margin(1));
  CHECK(mixed[3] == 255);
  CHECK(Px(frames.canvas(), 0, 0) == std::vector<int>{255, 0, 0, 255});
  CHECK(frames.delay_ms() == 30);

  REQUIRE(*frames.Next());
  // Frame 1 was disposed to previous: red again; frame 2 replaced (0,0) with
  // fully transparent green ("source" blending keeps its alpha).
  CHECK(Px(frames.canvas(), 1, 1) == std::vector<int>{255, 0, 0, 255});
  CHECK(Px(frames.canvas(), 0, 0) == std::vector<int>{0, 255, 0, 0});

  REQUIRE(*frames.Next());
  // Frame 2 was disposed to background: (0,0) cleared to transparent black.
  CHECK(Px(frames.canvas(), 0, 0) == std::vector<int>{0, 0, 0, 0});
  CHECK(Px(frames.canvas(), 3, 3) == std::vector<int>{255, 255, 255, 255});
  CHECK(Px(frames.canvas(), 2, 2) == std::vector<int>{255, 0, 0, 255});

  CHECK_FALSE(*frames.Next());
}

TEST_CASE("An APNG whose default image is not a frame skips it", "[image][apng]") {
  et::ApngSpec spec;
  spec.width = 8;
  spec.height = 6;
  spec.hidden_default = true;
  spec.frames.push_back(Flat(8, 6, 0, 0, 0x00ff00ff, 0, 0));
  spec.frames.push_back(Flat(8, 6, 0, 0, 0x0000ffff, 0, 0));
  const std::string apng = et::MakeApng(spec);
  auto a = ei::ApngFrames::Open(apng);
  REQUIRE(a.ok());
  CHECK((*a)->frame_count() == 2);
  REQUIRE(*(*a)->Next());
  CHECK(Px((*a)->canvas(), 4, 3) == std::vector<int>{0, 255, 0, 255});  // not the grey default

  auto probe = ei::Probe(apng, {});
  REQUIRE(probe.ok());
  CHECK(probe->format == ei::Format::kPng);
}

TEST_CASE("A broken APNG animation gives its default image, as browsers show it", "[image][apng]") {
  et::ApngSpec spec;
  spec.width = 40;
  spec.height = 40;
  spec.frames.push_back(Flat(40, 40, 0, 0, 0xff0000ff, 0, 0));
  spec.frames.push_back(Flat(30, 30, 20, 20, 0x00ff00ff, 0, 0));  // past the canvas
  std::string past_canvas = et::MakeApng(spec);
  spec.frames[1] = Flat(20, 20, 0, 0, 0x00ff00ff, 0, 0);
  std::string gap = et::MakeApng(spec);
  // The second fcTL's sequence number (1 -> 7): its CRC is recomputed below.
  const size_t second = gap.find("fcTL", gap.find("fcTL") + 4);
  REQUIRE(second != std::string::npos);
  gap[second + 7] = 7;
  {
    // CRC over type and data (26 bytes) of that chunk, as the PNG decoder checks it.
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = second; i < second + 30; ++i) {
      c ^= uint8_t(gap[i]);
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    }
    c ^= 0xFFFFFFFFu;
    for (int i = 0; i < 4; ++i) gap[second + 30 + i] = char(c >> (24 - 8 * i));
  }
  for (const std::string& apng : {past_canvas, gap}) {
    auto a = ei::ApngFrames::Open(apng);
    REQUIRE_FALSE(a.ok());
    CHECK(a.status().code() == edgepix::ErrorCode::kUndecodable);
    INFO(a.status().message());
    auto r = ei::ProcessImage(apng, ei::DefaultVariants(), {});
    REQUIRE(r.ok());
    REQUIRE(r->warnings.size() == 1);
    CHECK(r->warnings[0].find("default image is shown") != std::string::npos);
    for (const auto& v : r->variants) CHECK_FALSE(et::InspectWebpAnimation(v.webp).animated);
  }
}

TEST_CASE("An APNG becomes animated WebP variants with its frames, delays and plays",
          "[image][apng][pipeline]") {
  et::ApngSpec spec;
  spec.width = 320;
  spec.height = 240;
  spec.plays = 2;
  const int delays_ms[] = {40, 250, 1000, 70, 5};
  for (int i = 0; i < 5; ++i) {
    auto f = Flat(320, 240, 0, 0, 0x204060ff + (uint32_t(i * 40) << 24), 0, 0);
    f.delay_num = uint16_t(delays_ms[i]);
    f.delay_den = 1000;
    spec.frames.push_back(f);
  }
  // A smaller frame in the middle of the animation, blended over.
  spec.frames[3] = Flat(100, 50, 30, 40, 0xffffff80, 0, 1);
  spec.frames[3].delay_num = 7;
  spec.frames[3].delay_den = 100;
  auto r = ei::ProcessImage(et::MakeApng(spec), ei::DefaultVariants(), {});
  REQUIRE(r.ok());
  CHECK(r->warnings.empty());
  CHECK(r->original.format == ei::Format::kPng);
  CHECK_FALSE(r->thumbhash.empty());
  REQUIRE(r->variants.size() == 3);
  for (const auto& v : r->variants) {
    INFO(v.name);
    auto info = et::InspectWebpAnimation(v.webp);
    CHECK(info.animated);
    CHECK(info.loop_count == 2);
    CHECK(info.width == v.width);
    // The last frame's 5 ms plays at 100 ms, as browsers play it.
    CHECK(info.durations_ms == std::vector<int>{40, 250, 1000, 70, 100});
  }

  ei::PipelineOptions few;
  few.max_frames = 4;
  auto still = ei::ProcessImage(et::MakeApng(spec), ei::DefaultVariants(), few);
  REQUIRE(still.ok());
  REQUIRE(still->warnings.size() == 1);
  CHECK(still->warnings[0].find("more than --max-frames 4") != std::string::npos);
  for (const auto& v : still->variants) CHECK_FALSE(et::InspectWebpAnimation(v.webp).animated);
}
