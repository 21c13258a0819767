// EXIF reading and EXIF orientation applied to real JPEGs end to end.

#include <catch2/catch.hpp>

#include "image/exif.h"
#include "image/orient.h"
#include "image/pipeline.h"
#include "unit/image/webp_inspect.h"
#include "unit/support/fixtures.h"

namespace ei = edgepix::image;
namespace et = edgepix::testing;

TEST_CASE("EXIF fields come back from a JPEG", "[image][exif]") {
  et::ExifFields f;
  f.orientation = 3;
  f.make = "Canon";
  f.model = "EOS 5D";
  f.date_time_original = "2024:05:01 12:34:56";
  f.with_gps = true;
  f.lat = -33.8568;
  f.lon = -151.2153;
  auto r = ei::ProcessImage(et::MakeJpeg(64, 48, f), ei::DefaultVariants(), {});
  REQUIRE(r.ok());
  const auto& m = r->metadata;
  CHECK(m.orientation == 3);
  CHECK(m.camera_make.value_or("") == "Canon");
  CHECK(m.camera_model.value_or("") == "EOS 5D");
  CHECK(m.taken_at.value_or("") == "2024-05-01T12:34:56");
  REQUIRE(m.gps.has_value());
  CHECK(m.gps->lat == Approx(-33.8568).margin(1e-4));
  CHECK(m.gps->lon == Approx(-151.2153).margin(1e-4));

  f.lat = 48.8584;
  f.lon = 2.2945;
  auto ne = ei::ProcessImage(et::MakeJpeg(16, 16, f), ei::DefaultVariants(), {});
  REQUIRE(ne.ok());
  REQUIRE(ne->metadata.gps.has_value());
  CHECK(ne->metadata.gps->lat == Approx(48.8584).margin(1e-4));
  CHECK(ne->metadata.gps->lon == Approx(2.2945).margin(1e-4));
}

TEST_CASE("Missing or malformed EXIF leaves fields unset", "[image][exif]") {
  auto plain = ei::ProcessImage(et::MakeJpeg(16, 16), ei::DefaultVariants(), {});
  REQUIRE(plain.ok());
  CHECK(plain->metadata.orientation == 1);
  CHECK_FALSE(plain->metadata.taken_at.has_value());
  CHECK_FALSE(plain->metadata.gps.has_value());
  CHECK(ei::ParseExif("garbage that is not TIFF").orientation == 1);
  CHECK(ei::ParseExif(std::string("MM\0*\0\0\xFF\xFF", 8)).orientation == 1);
  CHECK(ei::ExifDateToIso("0000:00:00 00:00:00").empty());
  CHECK(ei::ExifDateToIso("2024:13:01 00:00:00").empty());
  CHECK(ei::ExifDateToIso("<?php phpinfo(); ?>").empty());
  CHECK(ei::ExifDateToIso("2001:02:19 06:40:05") == "2001-02-19T06:40:05");
}

TEST_CASE("SanitizeText keeps UTF-8, drops control bytes", "[image][exif]") {
  CHECK(ei::SanitizeText("  NIKON\x01 D70  ") == "NIKON D70");
  CHECK(ei::SanitizeText("Caf\xC3\xA9") == "Caf\xC3\xA9");
  CHECK(ei::SanitizeText("bad\xFF\xFEtail") == "bad??tail");
  CHECK(ei::SanitizeText(std::string(500, 'a')).size() == 128);
}

namespace {

// Where the blue square (stored top-left quarter) lands after orientation o,
// as the quadrant (qx, qy) of the displayed image.
std::pair<int, int> ExpectedBlueQuadrant(int o) {
  switch (o) {
    case 2:
      return {1, 0};
    case 3:
      return {1, 1};
    case 4:
      return {0, 1};
    case 5:
      return {0, 0};
    case 6:
      return {1, 0};
    case 7:
      return {1, 1};
    case 8:
      return {0, 1};
    default:
      return {0, 0};
  }
}

}  // namespace

TEST_CASE("Orient moves pixels as EXIF says for all 8 values", "[image][orient]") {
  // 4x2 stored image with distinct pixel values p(x,y) = 10*y + x.
  auto src = ei::PixelBuffer::Allocate(4, 2, 3);
  REQUIRE(src.ok());
  for (int y = 0; y < 2; ++y)
    for (int x = 0; x < 4; ++x) src->row(y)[x * 3] = uint8_t(10 * y + x);
  struct Case {
    int o, w, h;
    std::vector<int> expect;  // displayed pixels row by row
  };
  std::vector<Case> cases = {
      {1, 4, 2, {0, 1, 2, 3, 10, 11, 12, 13}}, {2, 4, 2, {3, 2, 1, 0, 13, 12, 11, 10}},
      {3, 4, 2, {13, 12, 11, 10, 3, 2, 1, 0}}, {4, 4, 2, {10, 11, 12, 13, 0, 1, 2, 3}},
      {5, 2, 4, {0, 10, 1, 11, 2, 12, 3, 13}}, {6, 2, 4, {10, 0, 11, 1, 12, 2, 13, 3}},
      {7, 2, 4, {13, 3, 12, 2, 11, 1, 10, 0}}, {8, 2, 4, {3, 13, 2, 12, 1, 11, 0, 10}},
  };
  for (const auto& c : cases) {
    auto d = ei::Orient(*src, c.o);
    REQUIRE(d.ok());
    INFO("orientation " << c.o);
    CHECK(d->width == c.w);
    CHECK(d->height == c.h);
    std::vector<int> got;
    for (int y = 0; y < d->height; ++y)
      for (int x = 0; x < d->width; ++x) got.push_back(d->row(y)[x * 3]);
    CHECK(got == c.expect);
  }
}

TEST_CASE("Pipeline applies orientation: rotated dims and pattern position", "[image][orient]") {
  for (int o = 1; o <= 8; ++o) {
    et::ExifFields f;
    f.orientation = o;
    auto r = ei::ProcessImage(et::MakeJpeg(200, 100, f), ei::DefaultVariants(), {});
    REQUIRE(r.ok());
    INFO("orientation " << o);
    CHECK(r->original.width == 200);  // stored dims unchanged
    const auto& large = r->variants[2];
    bool swap = o >= 5;
    CHECK(large.width == (swap ? 100 : 200));
    CHECK(large.height == (swap ? 200 : 100));
    auto img = et::DecodeWebpRgba(large.webp);
    REQUIRE(img.ok());
    auto [qx, qy] = ExpectedBlueQuadrant(o);
    // Sample the middle of each quadrant: only the expected one is blue.
    for (int ty = 0; ty < 2; ++ty) {
      for (int tx = 0; tx < 2; ++tx) {
        const uint8_t* p = img.at(img.width * (2 * tx + 1) / 4, img.height * (2 * ty + 1) / 4);
        bool blue = p[2] > 180;
        CHECK(blue == (tx == qx && ty == qy));
      }
    }
  }
}
