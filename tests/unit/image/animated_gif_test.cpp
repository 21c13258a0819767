// Animated GIFs become animated WebP variants (issue 14 item 3): same frame
// count, durations and loop count (read back by libwebp's demuxer); over
// --max-frames, stills of the first frame and a warning saying so.

#include <webp/encode.h>
#include <webp/mux.h>

#include <catch2/catch.hpp>

#include "image/pipeline.h"
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
