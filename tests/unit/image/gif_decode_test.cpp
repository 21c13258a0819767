// GIF through giflib (issue 14): frames composited as browsers show them
// (transparency, the three disposal methods, interlaced rows, frames clipped
// to the screen), a default palette for a GIF without any colour table, and
// the memory a decode is charged (the RGBA screen, not stb_image's 9 bytes).

#include <catch2/catch.hpp>

#include "image/decode.h"
#include "image/gif_frames.h"
#include "image/header.h"
#include "image/pipeline.h"
#include "unit/support/gif_fixtures.h"
#include "unit/support/hostile_images.h"

namespace ei = edgepix::image;
namespace et = edgepix::testing;
using edgepix::ErrorCode;

namespace {

// Palette: 0 black, 1 red, 2 green, 3 blue.
const std::vector<uint8_t> kRgbk = {0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255};

std::vector<uint8_t> Px(const ei::PixelBuffer& b, int x, int y) {
  const uint8_t* p = b.row(y) + size_t(x) * b.channels;
  return {p, p + b.channels};
}

const std::vector<uint8_t> kRed = {255, 0, 0, 255}, kGreen = {0, 255, 0, 255},
                           kBlue = {0, 0, 255, 255}, kClear = {0, 0, 0, 0};

et::GifFrameSpec Flat(int left, int top, int w, int h, uint8_t index, int disposal) {
  et::GifFrameSpec f;
  f.left = left, f.top = top, f.width = w, f.height = h;
  f.indices.assign(size_t(w) * h, index);
  f.disposal = disposal;
  return f;
}

std::unique_ptr<ei::GifFrames> Open(const std::string& gif) {
  auto frames = ei::GifFrames::Open(gif);
  REQUIRE(frames.ok());
  return std::move(*frames);
}

}  // namespace

TEST_CASE("GIF disposal: none keeps, background clears to transparent, previous restores",
          "[image][gif]") {
  et::GifSpec spec;
  spec.width = 4;
  spec.height = 1;
  spec.palette = kRgbk;
  spec.frames = {Flat(0, 0, 4, 1, 1, /*keep*/ 1), Flat(0, 0, 2, 1, 3, /*previous*/ 3),
                 Flat(3, 0, 1, 1, 2, /*background*/ 2), Flat(2, 0, 1, 1, 3, 1)};
  const std::string bytes = et::MakeGifFrom(spec);  // GifFrames reads it in place
  auto gif = Open(bytes);
  REQUIRE(*gif->Next());
  CHECK(Px(gif->canvas(), 0, 0) == kRed);
  REQUIRE(*gif->Next());  // blue over the left half
  CHECK(Px(gif->canvas(), 0, 0) == kBlue);
  CHECK(Px(gif->canvas(), 2, 0) == kRed);
  REQUIRE(*gif->Next());  // the blue is undone (restore to previous), green at x=3
  CHECK(Px(gif->canvas(), 0, 0) == kRed);
  CHECK(Px(gif->canvas(), 1, 0) == kRed);
  CHECK(Px(gif->canvas(), 3, 0) == kGreen);
  REQUIRE(*gif->Next());  // the green is cleared to transparent, blue at x=2
  CHECK(Px(gif->canvas(), 3, 0) == kClear);
  CHECK(Px(gif->canvas(), 2, 0) == kBlue);
  CHECK(Px(gif->canvas(), 0, 0) == kRed);
  CHECK_FALSE(*gif->Next());
}

TEST_CASE(
    "GIF transparency leaves the canvas as it was, and the first frame starts on a clear screen",
    "[image][gif]") {
  et::GifSpec spec;
  spec.width = 3;
  spec.height = 1;
  spec.palette = kRgbk;
  et::GifFrameSpec a = Flat(0, 0, 3, 1, 1, 1);
  a.indices = {1, 0, 0};
  a.transparent = 0;
  et::GifFrameSpec b = Flat(0, 0, 3, 1, 2, 1);
  b.indices = {0, 2, 0};
  b.transparent = 0;
  spec.frames = {a, b};
  const std::string bytes = et::MakeGifFrom(spec);
  auto gif = Open(bytes);
  REQUIRE(*gif->Next());
  CHECK(Px(gif->canvas(), 0, 0) == kRed);
  CHECK(Px(gif->canvas(), 1, 0) == kClear);
  REQUIRE(*gif->Next());
  CHECK(Px(gif->canvas(), 0, 0) == kRed);  // index 0 is transparent in frame 2 as well
  CHECK(Px(gif->canvas(), 1, 0) == kGreen);
  CHECK(Px(gif->canvas(), 2, 0) == kClear);
  // The header says it can carry alpha, and the still keeps it.
  auto h = ei::ReadHeader(bytes, false);
  REQUIRE(h.ok());
  CHECK(h->has_alpha);
  auto still = ei::DecodeGif(bytes, *h);
  REQUIRE(still.ok());
  CHECK(Px(*still, 1, 0) == kClear);
}

TEST_CASE("GIF interlaced rows land where they belong", "[image][gif]") {
  et::GifSpec spec;
  spec.width = 1;
  spec.height = 11;
  for (int i = 0; i < 16; ++i) spec.palette.insert(spec.palette.end(), {uint8_t(i * 10), 0, 0});
  et::GifFrameSpec f;
  f.width = 1;
  f.height = 11;
  f.interlace = true;
  for (int y = 0; y < 11; ++y) f.indices.push_back(uint8_t(y));
  spec.frames = {f};
  const std::string bytes = et::MakeGifFrom(spec);
  auto h = ei::ReadHeader(bytes, false);
  REQUIRE(h.ok());
  auto still = ei::DecodeGif(bytes, *h);
  REQUIRE(still.ok());
  for (int y = 0; y < 11; ++y) {
    INFO("row " << y);
    CHECK(int(still->row(y)[0]) == y * 10);
  }
}

TEST_CASE("A GIF without any colour table is drawn with the default grey palette", "[image][gif]") {
  et::GifSpec spec;
  spec.width = 3;
  spec.height = 1;
  spec.palette = std::vector<uint8_t>(256 * 3, 7);  // stripped below
  et::GifFrameSpec f = Flat(0, 0, 3, 1, 0, 0);
  f.indices = {0, 128, 255};
  spec.frames = {f};
  const std::string bytes = et::StripGlobalPalette(et::MakeGifFrom(spec));
  REQUIRE((uint8_t(bytes[10]) & 0x80) == 0);
  auto r = ei::ProcessImage(bytes, {{"same", 3, 1, ei::Fit::kFill, 100}}, {});
  REQUIRE(r.ok());
  auto h = ei::ReadHeader(bytes, false);
  REQUIRE(h.ok());
  auto still = ei::DecodeGif(bytes, *h);
  REQUIRE(still.ok());
  CHECK(Px(*still, 0, 0) == std::vector<uint8_t>{0, 0, 0, 255});
  CHECK(Px(*still, 1, 0) == std::vector<uint8_t>{128, 128, 128, 255});
  CHECK(Px(*still, 2, 0) == std::vector<uint8_t>{255, 255, 255, 255});
}

TEST_CASE("GIF frames are clipped to the screen, and loop count and delays are read",
          "[image][gif]") {
  et::GifSpec spec;
  spec.width = 2;
  spec.height = 2;
  spec.palette = kRgbk;
  spec.loop_count = 3;
  et::GifFrameSpec f = Flat(1, 1, 3, 3, 2, 0);
  f.delay_cs = 7;
  spec.frames = {f};
  const std::string bytes = et::MakeGifFrom(spec);  // GifFrames reads it in place
  auto gif = Open(bytes);
  REQUIRE(*gif->Next());
  CHECK(gif->loop_count() == 3);
  CHECK(gif->frame().delay_ms == 70);
  CHECK(Px(gif->canvas(), 0, 0) == kClear);
  CHECK(Px(gif->canvas(), 1, 1) == kGreen);
}

TEST_CASE("A small GIF declaring a 10000x10000 screen is charged its RGBA screen",
          "[image][gif][budget][memory]") {
  // A 10x10 frame on a 10000x10000 screen: a file of a few dozen bytes.
  const std::string bytes = et::MakeGifWithFrame(10000, 10000, 0, 0, 10, 10);
  REQUIRE(bytes.size() < 100);
  auto h = ei::ReadHeader(bytes, false);
  REQUIRE(h.ok());
  const uint64_t screen = 10000ull * 10000 * 4;
  const uint64_t charged = ei::DecodeFootprintBytes(*h, 150, 150);
  CHECK(charged >= screen);
  CHECK(charged < screen + (2u << 20));
  ei::Limits limits;  // 256 MB: 400 MB of canvas does not fit
  auto p = ei::Probe(bytes, limits);
  REQUIRE_FALSE(p.ok());
  CHECK(p.status().code() == ErrorCode::kOverMemoryBudget);
  CHECK(p.status().message().find("10000x10000 GIF needs about 402 MB") != std::string::npos);
}
