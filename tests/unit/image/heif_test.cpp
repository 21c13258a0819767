// HEIC/AVIF through libheif, on fixtures the test makes with Debian's heif-enc
// (libheif-examples): orientation by irot/imir (never EXIF on top), 10-bit
// AVIF to 8-bit variants, sizes judged from the boxes before any decode, and
// sniffing. Without heif-enc these tests are skipped (exit 77), never passed.

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iterator>

#include "image/decode.h"
#include "image/header.h"
#include "image/icc.h"
#include "image/pipeline.h"
#include "unit/image/webp_inspect.h"
#include "unit/support/fixtures.h"
#include "unit/support/heif_fixtures.h"
#include "unit/support/hostile_images.h"
#include "unit/support/skip.h"
#include "unit/support/webp_animation.h"

namespace ei = edgepix::image;
namespace et = edgepix::testing;
using edgepix::ErrorCode;

namespace {

double MeanDiff(const std::string& a_webp, const std::string& b_webp) {
  auto a = et::DecodeWebpRgba(a_webp), b = et::DecodeWebpRgba(b_webp);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  REQUIRE(a.width == b.width);
  REQUIRE(a.height == b.height);
  double d = 0;
  for (size_t i = 0; i < a.rgba.size(); ++i) d += std::abs(int(a.rgba[i]) - int(b.rgba[i]));
  return d / a.rgba.size();
}

// Offset of the n-th (0-based) `ispe` box's width field, or npos.
size_t IspeAt(const std::string& f, int n) {
  size_t p = 0;
  for (int i = 0; i <= n; ++i) {
    p = f.find("ispe", p + 1);
    if (p == std::string::npos) return p;
  }
  return p + 8;  // type, version/flags
}

void PutBe32(std::string& s, size_t o, uint32_t v) {
  for (int i = 3; i >= 0; --i, v >>= 8) s[o + i] = char(v & 0xff);
}

}  // namespace

TEST_CASE("HEIC irot/imir of every EXIF orientation comes out upright, EXIF never applied on top",
          "[image][heif]") {
  if (!et::HaveHeifEnc()) EDGEPIX_SKIP("heif-enc (Debian libheif-examples) is not installed");
  if (!ei::HeifSupported()) EDGEPIX_SKIP("built with EDGEPIX_HEIF=OFF");
  // A phone's HEIC: pixels as the sensor read them, irot/imir to show them
  // upright, and the EXIF Orientation the camera would have written too. The
  // HEIC must look like the same JPEG with that EXIF orientation (which our
  // JPEG path applies once), not rotated a second time.
  for (int o = 1; o <= 8; ++o) {
    INFO("EXIF orientation " << o);
    et::ExifFields exif;
    exif.orientation = o;
    exif.make = "Apple";
    exif.model = "iPhone 12";
    exif.date_time_original = "2024:05:01 12:34:56";
    const std::string jpeg = et::MakeJpeg(96, 64, exif);
    const std::string plain_heic = et::HeifEnc(jpeg, "jpg", {"-q", "92"});
    REQUIRE(!plain_heic.empty());
    const std::string heic = et::AddHeifOrientation(plain_heic, o);
    REQUIRE(!heic.empty());
    auto want = ei::ProcessImage(jpeg, ei::DefaultVariants(), {});
    auto got = ei::ProcessImage(heic, ei::DefaultVariants(), {});
    REQUIRE(want.ok());
    REQUIRE(got.ok());
    CHECK(got->original.format == ei::Format::kHeic);
    const bool swap = o >= 5;
    CHECK(got->original.width == (swap ? 64 : 96));
    CHECK(got->original.height == (swap ? 96 : 64));
    // The EXIF facts, orientation included as information.
    CHECK(got->metadata.orientation == o);
    CHECK(got->metadata.camera_model.value_or("") == "iPhone 12");
    CHECK(got->metadata.taken_at.value_or("") == "2024-05-01T12:34:56");
    REQUIRE(got->variants.size() == want->variants.size());
    for (size_t i = 0; i < got->variants.size(); ++i) {
      INFO("variant " << got->variants[i].name);
      CHECK(got->variants[i].width == want->variants[i].width);
      CHECK(got->variants[i].height == want->variants[i].height);
      CHECK(MeanDiff(got->variants[i].webp, want->variants[i].webp) < 8.0);
    }
  }
}

TEST_CASE("HEIC with an EXIF orientation but no irot/imir is shown as coded", "[image][heif]") {
  if (!et::HaveHeifEnc()) EDGEPIX_SKIP("heif-enc (Debian libheif-examples) is not installed");
  if (!ei::HeifSupported()) EDGEPIX_SKIP("built with EDGEPIX_HEIF=OFF");
  et::ExifFields exif;
  exif.orientation = 6;
  const std::string heic = et::HeifEnc(et::MakeJpeg(96, 64, exif), "jpg", {"-q", "92"});
  REQUIRE(!heic.empty());
  auto got = ei::ProcessImage(heic, ei::DefaultVariants(), {});
  auto as_coded = ei::ProcessImage(et::MakeJpeg(96, 64), ei::DefaultVariants(), {});
  REQUIRE(got.ok());
  REQUIRE(as_coded.ok());
  CHECK(got->metadata.orientation == 6);  // recorded, not applied
  CHECK(got->original.width == 96);
  CHECK(got->original.height == 64);
  REQUIRE(got->variants.size() == 3);
  CHECK(got->variants[2].width == 96);
  CHECK(got->variants[2].height == 64);
  CHECK(MeanDiff(got->variants[2].webp, as_coded->variants[2].webp) < 8.0);
}

TEST_CASE("16-bit PNG made a 10-bit AVIF gives 8-bit variants of the same colour",
          "[image][heif]") {
  if (!et::HaveHeifEnc()) EDGEPIX_SKIP("heif-enc (Debian libheif-examples) is not installed");
  if (!ei::HeifSupported()) EDGEPIX_SKIP("built with EDGEPIX_HEIF=OFF");
  // 40000/65535 of full scale: 155.6 in 8 bits.
  const std::string png = et::MakeFlatPng(64, 48, 16, 2, 40000);
  // 4:2:2: Debian's heif-enc 1.15 with aom 3.6 aborts on a 10-bit 4:2:0 or
  // 4:4:4 AVIF (an assertion in aom's write_color_config).
  const std::string avif =
      et::HeifEnc(png, "png", {"--avif", "-b", "10", "-q", "90", "-p", "chroma=422"}, "avif");
  REQUIRE(!avif.empty());
  auto h = ei::ReadHeader(avif, true);
  REQUIRE(h.ok());
  CHECK(h->probe.format == ei::Format::kAvif);
  CHECK(h->heif_bit_depth == 10);
  auto got = ei::ProcessImage(avif, ei::DefaultVariants(), {});
  REQUIRE(got.ok());
  CHECK(std::string(ei::FormatName(got->original.format)) == "avif");
  for (const auto& v : got->variants) {
    auto px = et::DecodeWebpRgba(v.webp);
    REQUIRE(px.ok());
    const uint8_t* c = px.at(px.width / 2, px.height / 2);
    INFO(v.name << " centre " << int(c[0]) << "," << int(c[1]) << "," << int(c[2]));
    for (int k = 0; k < 3; ++k) CHECK(std::abs(int(c[k]) - 156) <= 4);
  }
}

TEST_CASE("HEIF sizes are judged from the boxes before any decode", "[image][heif]") {
  if (!et::HaveHeifEnc()) EDGEPIX_SKIP("heif-enc (Debian libheif-examples) is not installed");
  if (!ei::HeifSupported()) EDGEPIX_SKIP("built with EDGEPIX_HEIF=OFF");
  // A 32-px thumbnail item beside the primary: two ispe boxes.
  const std::string heic = et::HeifEnc(et::MakeJpeg(96, 64), "jpg", {"-q", "80", "-t", "32"});
  REQUIRE(!heic.empty());
  ei::Limits limits;

  SECTION("a head cut inside mdat still gives the primary's size (intake reads 256 KiB)") {
    const size_t mdat = heic.find("mdat");
    REQUIRE(mdat != std::string::npos);
    auto probe = ei::Probe(heic.substr(0, mdat + 40), limits);
    INFO(probe.status().ToString());
    REQUIRE(probe.ok());
    CHECK(probe->format == ei::Format::kHeic);
    CHECK(probe->width == 96);
    CHECK(probe->height == 64);
  }
  SECTION("a primary declaring 20000x20000 is refused as too many pixels") {
    std::string bomb = heic;
    for (int n = 0; n < 2; ++n) {
      size_t at = IspeAt(bomb, n);
      REQUIRE(at != std::string::npos);
      if (bomb.compare(at, 4, std::string("\0\0\0\x60", 4)) == 0) {  // the 96-px primary
        PutBe32(bomb, at, 20000);
        PutBe32(bomb, at + 4, 20000);
      }
    }
    auto probe = ei::Probe(bomb, limits);
    REQUIRE_FALSE(probe.ok());
    CHECK(probe.status().code() == ErrorCode::kTooManyPixels);
    auto run = ei::ProcessImage(bomb, ei::DefaultVariants(), {});
    REQUIRE_FALSE(run.ok());
    CHECK(run.status().code() == ErrorCode::kTooManyPixels);
  }
  SECTION("another item (here the thumbnail) declaring 60000x60000 is refused too") {
    std::string bomb = heic;
    bool patched = false;
    for (int n = 0; n < 2; ++n) {
      size_t at = IspeAt(bomb, n);
      REQUIRE(at != std::string::npos);
      if (bomb.compare(at, 4, std::string("\0\0\0\x60", 4)) != 0) {
        PutBe32(bomb, at, 60000);
        PutBe32(bomb, at + 4, 60000);
        patched = true;
      }
    }
    REQUIRE(patched);
    auto run = ei::ProcessImage(bomb, ei::DefaultVariants(), {});
    REQUIRE_FALSE(run.ok());
    CHECK(run.status().code() == ErrorCode::kTooManyPixels);
    CHECK(run.status().message().find("item") != std::string::npos);
  }
  SECTION("the memory budget counts a HEIF decode at full size") {
    ei::PipelineOptions tight;
    tight.limits.memory_budget_bytes = 1;  // anything is over it
    auto run = ei::ProcessImage(heic, ei::DefaultVariants(), tight);
    REQUIRE_FALSE(run.ok());
    CHECK(run.status().code() == ErrorCode::kOverMemoryBudget);
    CHECK(run.status().message().find("HEIC") != std::string::npos);
  }
}

TEST_CASE("HEIF family sniffed from the ftyp brands", "[image][heif][sniff]") {
  auto ftyp = [](const char* major, const std::string& compat) {
    std::string b;
    const uint32_t size = uint32_t(16 + compat.size());
    b += char(size >> 24);
    b += char(size >> 16);
    b += char(size >> 8);
    b += char(size);
    b += "ftyp";
    b += major;
    b += std::string(4, '\0');
    b += compat;
    return b + std::string(64, '\0');
  };
  CHECK(ei::SniffFormat(ftyp("heic", "mif1heic")) == ei::Format::kHeic);
  CHECK(ei::SniffFormat(ftyp("heix", "mif1heix")) == ei::Format::kHeic);
  CHECK(ei::SniffFormat(ftyp("avif", "mif1avifmiaf")) == ei::Format::kAvif);
  CHECK(ei::SniffFormat(ftyp("avis", "msf1avis")) == ei::Format::kAvif);
  CHECK(ei::SniffFormat(ftyp("mif1", "mif1heic")) == ei::Format::kHeic);
  CHECK(ei::SniffFormat(ftyp("mif1", "miafavif")) == ei::Format::kAvif);
  CHECK(ei::SniffFormat(ftyp("jpeg", "mif1jpeg")) == ei::Format::kHeif);
  CHECK(ei::SniffFormat(ftyp("isom", "isomiso2mp41")) == ei::Format::kUnknown);
  CHECK(ei::SniffFormat(ftyp("qt  ", "qt  ")) == ei::Format::kUnknown);
  CHECK(std::string(ei::DescribeUnsupported(ftyp("isom", "isom"))) ==
        "an ISO media file (MP4/MOV)");
  CHECK(std::string(ei::DescribeUnsupported(ftyp("crx ", "crx "))) == "Canon CR3 raw");
  CHECK(std::string(ei::FormatName(ei::Format::kHeic)) == "heic");
  CHECK(std::string(ei::FormatName(ei::Format::kAvif)) == "avif");
  CHECK(std::string(ei::FormatName(ei::Format::kHeif)) == "heif");
  // Brands alone are not an image: the header read refuses it cleanly.
  auto empty_heic = ei::Probe(ftyp("heic", "mif1heic"), ei::Limits{});
  REQUIRE_FALSE(empty_heic.ok());
  CHECK(empty_heic.status().code() == ErrorCode::kUndecodable);
}

TEST_CASE("nclx colour becomes an ICC profile only when the pixels are not sRGB", "[image][heif]") {
  ei::NclxColour c;  // BT.709 primaries and white, as libheif decodes code point 1
  c.red_x = 0.64f, c.red_y = 0.33f, c.green_x = 0.30f, c.green_y = 0.60f;
  c.blue_x = 0.15f, c.blue_y = 0.06f, c.white_x = 0.3127f, c.white_y = 0.3290f;
  c.primaries = 1;
  c.transfer = 13;
  CHECK(ei::IccFromNclx(c).empty());  // sRGB already
  c.transfer = 2;
  CHECK(ei::IccFromNclx(c).empty());  // unspecified: shown as sRGB
  c.transfer = 8;                     // linear light
  const std::string icc = ei::IccFromNclx(c);
  REQUIRE(icc.size() > 128);
  auto px = ei::PixelBuffer::Allocate(2, 1, 3);
  REQUIRE(px.ok());
  std::fill(px->pixels(), px->pixels() + px->size(), uint8_t(128));
  ei::ConvertToSrgb(*px, icc);
  CHECK(std::abs(int(px->pixels()[0]) - 188) <= 2);  // linear 0.5 is sRGB 188
  c.transfer = 13;
  c.primaries = 9;  // BT.2020: a wider gamut, converted
  c.red_x = 0.708f, c.red_y = 0.292f, c.green_x = 0.170f, c.green_y = 0.797f;
  c.blue_x = 0.131f, c.blue_y = 0.046f;
  const std::string wide = ei::IccFromNclx(c);
  REQUIRE(wide.size() > 128);
  auto g = ei::PixelBuffer::Allocate(1, 1, 3);
  REQUIRE(g.ok());
  g->pixels()[0] = 100, g->pixels()[1] = 200, g->pixels()[2] = 100;
  ei::ConvertToSrgb(*g, wide);
  // A BT.2020 green is more saturated than sRGB can show: red drops to 0-ish.
  CHECK(int(g->pixels()[0]) < 60);
}

TEST_CASE("AV1-coded items are found through ipma, for libaom's share of the budget",
          "[image][heif]") {
  if (!et::HaveHeifEnc()) EDGEPIX_SKIP("heif-enc (Debian libheif-examples) is not installed");
  if (!ei::HeifSupported()) EDGEPIX_SKIP("built with EDGEPIX_HEIF=OFF");
  const std::string jpeg = et::MakeJpeg(96, 64);
  // A 32-px thumbnail beside the primary: both AV1, the primary the larger.
  const std::string avif = et::HeifEnc(jpeg, "jpg", {"--avif", "-q", "60", "-t", "32"}, "avif");
  const std::string heic = et::HeifEnc(jpeg, "jpg", {"-q", "60", "-t", "32"});
  REQUIRE(!avif.empty());
  REQUIRE(!heic.empty());
  auto a = ei::ReadHeader(avif, true);
  auto h = ei::ReadHeader(heic, true);
  REQUIRE(a.ok());
  REQUIRE(h.ok());
  CHECK(a->heif_av1_coded_pixels == 96u * 64u);
  CHECK(h->heif_av1_coded_pixels == 0);
  // Same size and chroma: the AVIF's decode is budgeted above the HEIC's by
  // libaom's share (bench/heif/RESULTS.md: several MB of decoder context).
  REQUIRE(a->heif_samples_x2 == h->heif_samples_x2);
  CHECK(ei::DecodeFootprintBytes(*a, 96, 64) >= ei::DecodeFootprintBytes(*h, 96, 64) + (8u << 20));
}

TEST_CASE("An AVIF image sequence gives its still image, and the result says so",
          "[image][heif][animation]") {
  if (!ei::HeifSupported()) EDGEPIX_SKIP("built with EDGEPIX_HEIF=OFF");
  const char* corpus = std::getenv("EDGEPIX_CORPUS");
  const std::string path =
      std::string(corpus ? corpus : "") + "/formats/avif/libavif_colors-animated-8bpc.avif";
  std::ifstream in(path, std::ios::binary);
  if (!corpus || !in) EDGEPIX_SKIP("no corpus sequence at " + path + " (EDGEPIX_CORPUS)");
  const std::string avis((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto h = ei::ReadHeader(avis, true);
  REQUIRE(h.ok());
  CHECK(h->animated);
  auto run = ei::ProcessImage(avis, ei::DefaultVariants(), {});
  REQUIRE(run.ok());
  REQUIRE(run->warnings.size() == 1);
  CHECK(run->warnings[0].find("image sequence kept as its still image only") == 0);
  for (const auto& v : run->variants) CHECK_FALSE(et::InspectWebpAnimation(v.webp).animated);
}
