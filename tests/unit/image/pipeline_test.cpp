// End-to-end pipeline behaviour: sizes, alpha handling, clean WebP output.

#include "image/pipeline.h"

#include <catch2/catch.hpp>
#include <cstdlib>

#include "unit/image/webp_inspect.h"
#include "unit/support/fixtures.h"

namespace ei = edgepix::image;
namespace et = edgepix::testing;
using edgepix::ErrorCode;

TEST_CASE("Every format yields the default variants at the right sizes", "[image][pipeline]") {
  for (const std::string& in :
       {et::MakeJpeg(1600, 1200), et::MakePng(1600, 1200), et::MakeGif(400, 300),
        et::MakeBmp(800, 600), et::MakeWebp(1600, 1200), et::MakeWebp(800, 600, true)}) {
    auto r = ei::ProcessImage(in, ei::DefaultVariants(), {});
    INFO(ei::FormatName(ei::SniffFormat(in)));
    REQUIRE(r.ok());
    REQUIRE(r->variants.size() == 3);
    int w = r->original.width, h = r->original.height;
    CHECK(r->variants[0].width == 150);
    CHECK(r->variants[0].height == 150);
    CHECK(r->variants[1].width == std::min(640, w));
    CHECK(r->variants[1].height == std::min(w, 640) * h / w);
    CHECK(r->variants[2].width == std::min(1280, w));
    for (const auto& v : r->variants) {
      auto img = et::DecodeWebpRgba(v.webp);
      REQUIRE(img.ok());
      CHECK(img.width == v.width);
      CHECK(img.height == v.height);
    }
  }
}

TEST_CASE("Small sources are never upscaled", "[image][pipeline]") {
  auto r = ei::ProcessImage(et::MakeJpeg(100, 80), ei::DefaultVariants(), {});
  REQUIRE(r.ok());
  CHECK((r->variants[0].width == 80 && r->variants[0].height == 80));
  CHECK((r->variants[1].width == 100 && r->variants[1].height == 80));
  CHECK((r->variants[2].width == 100 && r->variants[2].height == 80));
}

TEST_CASE("Outputs are bare WebP without metadata chunks", "[image][pipeline]") {
  et::ExifFields f;
  f.orientation = 6;
  f.make = "Canon";
  f.with_gps = true;
  f.lat = 1;
  f.lon = 2;
  for (const std::string& in : {et::MakeJpeg(300, 200, f), et::MakePng(300, 200, true)}) {
    auto r = ei::ProcessImage(in, ei::DefaultVariants(), {});
    REQUIRE(r.ok());
    for (const auto& v : r->variants) {
      auto chunks = et::RiffChunks(v.webp);
      REQUIRE_FALSE(chunks.empty());
      for (const auto& c : chunks) {
        INFO(v.name << " chunk " << c);
        CHECK((c == "VP8 " || c == "VP8L" || c == "VP8X" || c == "ALPH"));
      }
    }
  }
}

TEST_CASE("Alpha survives and transparent colour does not bleed", "[image][pipeline]") {
  // Odd sizes so the opaque/transparent boundary falls inside output pixels.
  std::vector<ei::VariantSpec> specs = {{"a", 100, 100, ei::Fit::kInside, 90},
                                        {"b", 47, 47, ei::Fit::kCover, 90},
                                        {"c", 640, 640, ei::Fit::kInside, 90}};
  auto r = ei::ProcessImage(et::MakePng(333, 250, /*with_alpha=*/true), specs, {});
  REQUIRE(r.ok());
  for (const auto& v : r->variants) {
    INFO(v.name);
    CHECK(et::HasAlphaFeature(v.webp));
    auto img = et::DecodeWebpRgba(v.webp);
    REQUIRE(img.ok());
    int y = img.height / 4;
    // Right edge is transparent, left is opaque.
    CHECK(img.at(img.width - 2, y)[3] < 10);
    CHECK(img.at(2, y)[3] > 245);
    // Walk from the left to the boundary: visible pixels keep the colour of
    // the opaque interior, never pick up the hidden pure green.
    const uint8_t* ref = img.at(img.width / 2 - 6, y);
    for (int x = img.width / 2 - 6; x < img.width; ++x) {
      const uint8_t* p = img.at(x, y);
      if (p[3] < 64) continue;
      INFO("x=" << x << " rgba=" << int(p[0]) << "," << int(p[1]) << "," << int(p[2]) << ","
                << int(p[3]));
      CHECK(int(p[1]) <= int(ref[1]) + 20);
    }
  }
}

TEST_CASE("Opaque sources give WebP without alpha", "[image][pipeline]") {
  auto r = ei::ProcessImage(et::MakePng(200, 100), ei::DefaultVariants(), {});
  REQUIRE(r.ok());
  for (const auto& v : r->variants) CHECK_FALSE(et::HasAlphaFeature(v.webp));
}

TEST_CASE("Custom specs: cover, fill, quality and order", "[image][pipeline]") {
  std::vector<ei::VariantSpec> specs = {{"banner", 400, 100, ei::Fit::kCover, 60},
                                        {"square", 50, 50, ei::Fit::kFill, 90},
                                        {"full", 2000, 2000, ei::Fit::kInside, 80}};
  auto r = ei::ProcessImage(et::MakeJpeg(1000, 500), specs, {});
  REQUIRE(r.ok());
  REQUIRE(r->variants.size() == 3);
  CHECK(r->variants[0].name == "banner");
  CHECK((r->variants[0].width == 400 && r->variants[0].height == 100));
  CHECK((r->variants[1].width == 50 && r->variants[1].height == 50));
  CHECK((r->variants[2].width == 1000 && r->variants[2].height == 500));
  // The cover crop keeps the middle band: its centre is the image centre's colour.
  auto banner = et::DecodeWebpRgba(r->variants[0].webp);
  REQUIRE(banner.ok());
  const uint8_t* c = banner.at(200, 50);
  CHECK(std::abs(int(c[0]) - 127) < 20);  // red ramp at x = 500 of 1000
  CHECK(std::abs(int(c[1]) - 127) < 20);  // green ramp at y = 250 of 500
}

TEST_CASE("Corrupt inputs fail cleanly", "[image][pipeline]") {
  auto junk = ei::ProcessImage(std::string(4096, '\x5A'), ei::DefaultVariants(), {});
  CHECK(junk.status().code() == ErrorCode::kUnsupportedFormat);
  // A JPEG with its scan data scrambled.
  std::string jpeg = et::MakeJpeg(256, 256);
  for (size_t i = jpeg.size() / 2; i < jpeg.size() / 2 + 64; ++i) jpeg[i] = char(jpeg[i] ^ 0x5A);
  auto bad = ei::ProcessImage(jpeg, ei::DefaultVariants(), {});
  INFO(bad.status().ToString());
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == ErrorCode::kUndecodable);
  // A PNG with a broken IHDR checksum.
  std::string png = et::MakePng(32, 32);
  png[20] = char(png[20] ^ 1);
  auto crc = ei::ProcessImage(png, ei::DefaultVariants(), {});
  REQUIRE_FALSE(crc.ok());
  CHECK(crc.status().code() == ErrorCode::kUndecodable);
}
