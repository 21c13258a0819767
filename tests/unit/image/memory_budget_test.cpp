// What a decode may hold: the per-format footprint, refusal from the header of
// what could never fit the budget (issue 18 item 5), PNG decoded row by row
// into a shrunk buffer, GIF first frames off the screen refused at the probe
// (issue 18 item 13), and embedded ICC profiles converted (issue 11).

#include <catch2/catch.hpp>

#include "image/decode.h"
#include "image/header.h"
#include "image/pipeline.h"
#include "unit/image/webp_inspect.h"
#include "unit/support/fixtures.h"
#include "unit/support/hostile_images.h"

namespace ei = edgepix::image;
namespace et = edgepix::testing;
using edgepix::ErrorCode;

namespace {

ei::HeaderInfo Header(const std::string& bytes) {
  auto h = ei::ReadHeader(bytes, /*want_metadata=*/true);
  REQUIRE(h.ok());
  return *h;
}

}  // namespace

TEST_CASE("An image whose decode can never fit the memory budget is refused from its header",
          "[image][budget][memory]") {
  ei::Limits limits;  // the defaults: 100 MP, 256 MB
  // 9999x9999 is within --max-megapixels 100, but Adam7 interlacing makes
  // libpng hold the whole image: 400 MB of RGBA.
  std::string interlaced = et::MakePngHeader(9999, 9999, 16, 6, /*interlaced=*/true);
  auto p = ei::Probe(interlaced, limits);
  REQUIRE_FALSE(p.ok());
  CHECK(p.status().code() == ErrorCode::kOverMemoryBudget);
  CHECK(p.status().message().find("16-bit RGBA interlaced PNG") != std::string::npos);
  CHECK(p.status().message().find("memory budget of 256 MB") != std::string::npos);
  // The same refusal in the worker (edgepix process has no intake).
  auto r = ei::ProcessImage(interlaced, ei::DefaultVariants(), {});
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == ErrorCode::kOverMemoryBudget);
  // Refused even when intake kept only the start of the file.
  CHECK(ei::Probe(interlaced.substr(0, 40), limits).status().code() ==
        ErrorCode::kOverMemoryBudget);
  // 0 = no budget.
  limits.memory_budget_bytes = 0;
  CHECK(ei::Probe(interlaced, limits).ok());
}

TEST_CASE("A 34-byte lossless WebP declaring 16383x6103 is refused: libwebp holds 4 bytes a pixel",
          "[image][budget][memory]") {
  // Same shape as the hostile file: VP8L, no transforms, one-symbol codes.
  std::string webp = et::MakeWebp(16, 16, false, /*lossless=*/true);
  ei::HeaderInfo h = Header(webp);
  CHECK(h.webp_lossless);
  h.probe.width = 16383;
  h.probe.height = 6103;
  ei::Limits limits;
  auto st = ei::CheckHeader(h, limits);
  CHECK(st.code() == ErrorCode::kOverMemoryBudget);
  // Lossy and opaque, the same size scales on load and fits.
  ei::HeaderInfo lossy = Header(et::MakeWebp(16, 16));
  CHECK_FALSE(lossy.webp_lossless);
  lossy.probe = h.probe;
  CHECK(ei::CheckHeader(lossy, limits).ok());
}

TEST_CASE("Decode footprints follow what each decoder holds", "[image][budget][memory]") {
  const uint64_t mp = 24ull * 1000 * 1000;  // 6000x4000
  auto at = [](std::string bytes, int w, int h) {
    ei::HeaderInfo info = Header(bytes);
    info.probe.width = w;
    info.probe.height = h;
    return info;
  };
  // Interlaced PNG: the whole image, 8-bit RGBA after libpng's 16-to-8 scaling.
  ei::HeaderInfo png16 = Header(et::MakePngHeader(6000, 4000, 16, 6, true));
  uint64_t interlaced = ei::DecodeFootprintBytes(png16, 2560, 2560);
  CHECK(interlaced >= mp * 4);
  CHECK(interlaced < mp * 4 + (3u << 20));
  // Not interlaced: shrunk by 1/k on load (k = 1 here as 2560 > 4000/2).
  ei::HeaderInfo flat = Header(et::MakePngHeader(6000, 4000, 16, 6, false));
  CHECK(ei::PngShrinkFactor(flat, 2560, 1707) == 2);
  uint64_t rows = ei::DecodeFootprintBytes(flat, 2560, 1707);
  CHECK(rows >= 3000u * 2000 * 4);
  CHECK(rows < 3000u * 2000 * 4 + (2u << 20));
  // GIF: giflib's reader holds the RGBA screen and one row of the frame.
  ei::HeaderInfo gif = at(et::MakeGif(8, 8), 6000, 4000);
  CHECK(ei::DecodeFootprintBytes(gif, 100, 100) >= mp * 4);
  CHECK(ei::DecodeFootprintBytes(gif, 100, 100) < mp * 4 + (2u << 20));
  // Lossless WebP: the ARGB plane at full size even when the output shrinks.
  ei::HeaderInfo vp8l = at(et::MakeWebp(8, 8, false, true), 6000, 4000);
  CHECK(ei::DecodeFootprintBytes(vp8l, 1000, 667) >= mp * 4);
  ei::HeaderInfo vp8 = at(et::MakeWebp(8, 8), 6000, 4000);
  CHECK(ei::DecodeFootprintBytes(vp8, 1000, 667) < 8u << 20);
}

TEST_CASE("PNG is decoded row by row into a box-shrunk buffer", "[image][png][memory]") {
  SECTION("16-bit RGBA: samples scaled to 8 bits, size divided by the shrink factor") {
    std::string png = et::MakeFlatPng(1600, 1200, 16, 6, 0x8080);
    ei::HeaderInfo h = Header(png);
    CHECK(ei::PngShrinkFactor(h, 400, 300) == 4);
    auto px = ei::DecodePng(png, h, 400, 300);
    REQUIRE(px.ok());
    CHECK(px->width == 400);
    CHECK(px->height == 300);
    CHECK(px->channels == 4);
    const uint8_t* p = px->row(150) + 200 * 4;
    CHECK(int(p[0]) == 128);
    CHECK(int(p[3]) == 128);
  }
  SECTION("edges that do not divide evenly average what they cover") {
    std::string png = et::MakePng(101, 75);
    ei::HeaderInfo h = Header(png);
    auto full = ei::DecodePng(png, h, 101, 75);
    auto half = ei::DecodePng(png, h, 50, 37);
    REQUIRE(full.ok());
    REQUIRE(half.ok());
    CHECK(full->width == 101);
    CHECK(half->width == 51);  // ceil(101 / 2)
    CHECK(half->height == 38);
    // The last column covers one source column, the last row one source row.
    for (int c = 0; c < 3; ++c) {
      CHECK(half->row(37)[50 * 3 + c] == full->row(74)[100 * 3 + c]);
      int avg =
          (full->row(0)[c] + full->row(0)[3 + c] + full->row(1)[c] + full->row(1)[3 + c] + 2) / 4;
      CHECK(half->row(0)[c] == avg);
    }
  }
  SECTION("alpha-weighted: transparent colour does not bleed into a visible pixel") {
    // MakePng's alpha image: right half fully transparent green.
    std::string png = et::MakePng(64, 64, /*with_alpha=*/true);
    ei::HeaderInfo h = Header(png);
    auto px = ei::DecodePng(png, h, 16, 16);
    REQUIRE(px.ok());
    CHECK(px->width == 16);
    const uint8_t* edge = px->row(8) + 7 * 4;  // the last visible block
    CHECK(int(edge[3]) == 255);
    const uint8_t* hidden = px->row(8) + 12 * 4;
    CHECK(int(hidden[3]) == 0);
  }
  SECTION("the pipeline gives the right sizes and colour from a 16-bit PNG") {
    auto r =
        ei::ProcessImage(et::MakeFlatPng(3000, 2000, 16, 2, 0x4000), ei::DefaultVariants(), {});
    REQUIRE(r.ok());
    REQUIRE(r->variants.size() == 3);
    CHECK(r->variants[2].width == 1280);
    CHECK(r->variants[2].height == 853);
    auto d = et::DecodeWebpRgba(r->variants[1].webp);
    REQUIRE(d.ok());
    CHECK(std::abs(int(d.at(10, 10)[0]) - 64) <= 2);
  }
}

TEST_CASE("A GIF whose first frame lies outside the screen is refused by the probe",
          "[image][gif][probe]") {
  ei::Limits limits;
  SECTION("wholly outside: nothing to show") {
    std::string gif = et::MakeGifWithFrame(100, 100, 200, 0, 10, 10);
    auto p = ei::Probe(gif, limits);
    REQUIRE_FALSE(p.ok());
    CHECK(p.status().code() == ErrorCode::kUndecodable);
    CHECK(p.status().message().find("outside the 100x100 screen") != std::string::npos);
  }
  SECTION("reaching past the largest canvas a GIF can declare") {
    std::string gif = et::MakeGifWithFrame(100, 10, 60, 0, 65500, 1);
    auto p = ei::Probe(gif, limits);
    REQUIRE_FALSE(p.ok());
    CHECK(p.status().code() == ErrorCode::kUndecodable);
    CHECK(p.status().message().find("65535") != std::string::npos);
  }
  SECTION("a canvas over the pixel limit") {
    limits.max_pixels = 10000;
    std::string gif = et::MakeGifWithFrame(100, 100, 50, 50, 200, 200);
    auto p = ei::Probe(gif, limits);
    REQUIRE_FALSE(p.ok());
    CHECK(p.status().code() == ErrorCode::kTooManyPixels);
    CHECK(p.status().message().find("first frame") != std::string::npos);
  }
  SECTION("partly outside and within limits: decoded, cropped to the screen") {
    std::string gif = et::MakeGifWithFrame(40, 30, 20, 10, 40, 30);
    REQUIRE(ei::Probe(gif, limits).ok());
    auto r = ei::ProcessImage(gif, ei::DefaultVariants(), {});
    REQUIRE(r.ok());
    CHECK(r->original.width == 40);
  }
}

TEST_CASE("An embedded non-sRGB ICC profile is converted to sRGB", "[image][icc]") {
  // Linear-light RGB with sRGB primaries: 128 (0.502 linear) is 188 in sRGB.
  std::string icc = et::MakeLinearRgbIccProfile();
  std::string tagged = et::MakeFlatPng(64, 64, 8, 2, 128, icc);
  std::string plain = et::MakeFlatPng(64, 64, 8, 2, 128);
  REQUIRE(Header(tagged).icc == icc);
  auto a = ei::ProcessImage(tagged, ei::DefaultVariants(), {});
  auto b = ei::ProcessImage(plain, ei::DefaultVariants(), {});
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  auto converted = et::DecodeWebpRgba(a->variants[0].webp);
  auto untouched = et::DecodeWebpRgba(b->variants[0].webp);
  REQUIRE(converted.ok());
  REQUIRE(untouched.ok());
  for (int c = 0; c < 3; ++c) {
    INFO("channel " << c);
    CHECK(std::abs(int(untouched.at(32, 32)[c]) - 128) <= 2);
    CHECK(std::abs(int(converted.at(32, 32)[c]) - 188) <= 3);
  }
}
