// Animated GIFs and WebPs become animated WebP variants (issue 14 item 3):
// same frame count, durations and loop count (read back by libwebp's
// demuxer); over --max-frames, stills of the first frame and a warning saying
// so. Also a still WebP that only the decoder can find damaged.

#include <webp/encode.h>
#include <webp/mux.h>

#include <catch2/catch.hpp>
#include <cstdlib>

#include "image/pipeline.h"
#include "unit/image/webp_inspect.h"
#include "unit/support/fixtures.h"
#include "unit/support/gif_fixtures.h"
#include "unit/support/webp_animation.h"

namespace ei = edgepix::image;
namespace et = edgepix::testing;

TEST_CASE("An animated GIF becomes animated WebP variants with its frames, delays and loops",
          "[image][gif][animation]") {
  const std::string gif = et::MakeAnimatedGif(96, 64, 12, 8);
  auto r = ei::ProcessImage(gif, ei::DefaultVariants(), {});
  REQUIRE(r.ok());
  CHECK(r->warnings.empty());
  REQUIRE(r->variants.size() == 3);
  for (const auto& v : r->variants) {
    INFO(v.name);
    auto info = et::InspectWebpAnimation(v.webp);
    REQUIRE(info.valid);
    CHECK(info.animated);
    CHECK(info.width == v.width);
    CHECK(info.loop_count == 0);  // NETSCAPE2.0 0: forever
    CHECK(info.durations_ms == std::vector<int>(12, 80));
  }
  CHECK(r->variants[0].width == 64);  // thumb: 150x150 cover, never upscaled
}

TEST_CASE("With animated_thumb off the smallest variant is a still", "[image][gif][animation]") {
  ei::PipelineOptions options;
  options.animated_thumb = false;
  auto r = ei::ProcessImage(et::MakeAnimatedGif(96, 64, 4, 10), ei::DefaultVariants(), options);
  REQUIRE(r.ok());
  CHECK_FALSE(et::InspectWebpAnimation(r->variants[0].webp).animated);
  CHECK(et::InspectWebpAnimation(r->variants[1].webp).durations_ms.size() == 4);
}

TEST_CASE("An animated GIF over --max-frames becomes stills, and the result says so",
          "[image][gif][animation]") {
  ei::PipelineOptions options;
  options.max_frames = 5;
  auto r = ei::ProcessImage(et::MakeAnimatedGif(48, 32, 6, 5), ei::DefaultVariants(), options);
  REQUIRE(r.ok());
  for (const auto& v : r->variants) {
    auto info = et::InspectWebpAnimation(v.webp);
    REQUIRE(info.valid);
    CHECK_FALSE(info.animated);
  }
  REQUIRE(r->warnings.size() == 1);
  CHECK(r->warnings[0] ==
        "animation of 6 frames kept as its first frame only: more than "
        "--max-frames 5");
}

namespace {

// An animated WebP made with libwebp's own encoder: `frames` flat frames.
std::string MakeAnimatedWebp(int w, int h, int frames, int duration_ms, int loops) {
  WebPAnimEncoderOptions eo;
  REQUIRE(WebPAnimEncoderOptionsInit(&eo));
  eo.anim_params.loop_count = loops;
  WebPAnimEncoder* enc = WebPAnimEncoderNew(w, h, &eo);
  REQUIRE(enc != nullptr);
  WebPConfig config;
  REQUIRE(WebPConfigInit(&config));
  std::vector<uint8_t> rgba(size_t(w) * h * 4);
  for (int i = 0; i < frames; ++i) {
    for (size_t p = 0; p < rgba.size(); p += 4) {
      rgba[p] = uint8_t(i * 40), rgba[p + 1] = uint8_t(255 - i * 40), rgba[p + 2] = 90;
      rgba[p + 3] = 255;
    }
    WebPPicture pic;
    REQUIRE(WebPPictureInit(&pic));
    pic.use_argb = 1;
    pic.width = w;
    pic.height = h;
    REQUIRE(WebPPictureImportRGBA(&pic, rgba.data(), w * 4));
    REQUIRE(WebPAnimEncoderAdd(enc, &pic, i * duration_ms, &config));
    WebPPictureFree(&pic);
  }
  REQUIRE(WebPAnimEncoderAdd(enc, nullptr, frames * duration_ms, nullptr));
  WebPData data;
  WebPDataInit(&data);
  REQUIRE(WebPAnimEncoderAssemble(enc, &data));
  std::string out(reinterpret_cast<const char*>(data.bytes), data.size);
  WebPDataClear(&data);
  WebPAnimEncoderDelete(enc);
  return out;
}

}  // namespace

TEST_CASE("An animated WebP stays animated, with its frames, durations and loops",
          "[image][webp][animation]") {
  const std::string webp = MakeAnimatedWebp(80, 60, 5, 120, 3);
  REQUIRE(et::InspectWebpAnimation(webp).durations_ms.size() == 5);
  auto r = ei::ProcessImage(webp, ei::DefaultVariants(), {});
  REQUIRE(r.ok());
  CHECK(r->warnings.empty());
  for (const auto& v : r->variants) {
    INFO(v.name);
    auto info = et::InspectWebpAnimation(v.webp);
    CHECK(info.animated);
    CHECK(info.loop_count == 3);
    CHECK(info.durations_ms == std::vector<int>(5, 120));
  }
}

TEST_CASE("An animated WebP over --max-frames becomes stills of its first frame",
          "[image][webp][animation]") {
  ei::PipelineOptions options;
  options.max_frames = 3;
  // Frame 0 is (0, 255, 90); later frames move away from it by 40 a step.
  auto r = ei::ProcessImage(MakeAnimatedWebp(80, 60, 5, 120, 0), ei::DefaultVariants(), options);
  REQUIRE(r.ok());
  REQUIRE(r->warnings.size() == 1);
  CHECK(r->warnings[0].find("first frame only") != std::string::npos);
  for (const auto& v : r->variants) {
    INFO(v.name);
    CHECK_FALSE(et::InspectWebpAnimation(v.webp).animated);
    auto px = et::DecodeWebpRgba(v.webp);
    REQUIRE(px.ok());
    const uint8_t* c = px.at(px.width / 2, px.height / 2);
    CHECK(std::abs(int(c[0]) - 0) <= 6);
    CHECK(std::abs(int(c[1]) - 255) <= 6);
    CHECK(std::abs(int(c[2]) - 90) <= 6);
  }
}

TEST_CASE("A still WebP whose VP8 data is damaged fails as undecodable, naming libwebp's reason",
          "[image][webp]") {
  std::string webp = et::MakeWebp(64, 48);
  const size_t vp8 = webp.find("VP8 ");
  REQUIRE(vp8 != std::string::npos);
  // The frame tag's first-partition size: keep that partition whole (libwebp
  // checks it while reading the header) and cut the coefficient partition
  // short, with the RIFF and chunk sizes made to agree, so only the decode
  // itself can tell the data is missing.
  const size_t tag = vp8 + 8;
  const uint32_t bits =
      uint8_t(webp[tag]) | uint8_t(webp[tag + 1]) << 8 | uint8_t(webp[tag + 2]) << 16;
  const size_t keep = tag + 10 + (bits >> 5) + 4;
  REQUIRE(webp.size() > keep + 16);
  webp.resize(keep);
  auto put_le32 = [&](size_t at, uint32_t v) {
    for (int i = 0; i < 4; ++i) webp[at + i] = char((v >> (8 * i)) & 0xff);
  };
  put_le32(4, uint32_t(webp.size() - 8));
  put_le32(vp8 + 4, uint32_t(webp.size() - vp8 - 8));
  auto r = ei::ProcessImage(webp, ei::DefaultVariants(), {});
  REQUIRE_FALSE(r.ok());
  INFO(r.status().message());
  CHECK(r.status().code() == edgepix::ErrorCode::kUndecodable);
  CHECK(r.status().message() == "WebP: truncated data");  // the decoder's own verdict
}
