// Format sniffing and header probing, including decompression bombs.

#include <catch2/catch.hpp>

#include "image/pipeline.h"
#include "unit/support/fixtures.h"

namespace ei = edgepix::image;
namespace et = edgepix::testing;
using edgepix::ErrorCode;

TEST_CASE("SniffFormat recognises every accepted format by magic", "[image][sniff]") {
  CHECK(ei::SniffFormat(et::MakeJpeg(8, 8)) == ei::Format::kJpeg);
  CHECK(ei::SniffFormat(et::MakePng(8, 8)) == ei::Format::kPng);
  CHECK(ei::SniffFormat(et::MakeGif(8, 8)) == ei::Format::kGif);
  CHECK(ei::SniffFormat(et::MakeBmp(8, 8)) == ei::Format::kBmp);
  CHECK(ei::SniffFormat(et::MakeWebp(8, 8)) == ei::Format::kWebp);
  CHECK(std::string(ei::FormatName(ei::Format::kWebp)) == "webp");
  CHECK(std::string(ei::FormatName(ei::Format::kUnknown)) == "unknown");
}

TEST_CASE("SniffFormat refuses text, markup and empty input", "[image][sniff]") {
  CHECK(ei::SniffFormat("") == ei::Format::kUnknown);
  CHECK(ei::SniffFormat("hello world, this is text") == ei::Format::kUnknown);
  CHECK(ei::SniffFormat("<!DOCTYPE html><html></html>") == ei::Format::kUnknown);
  CHECK(ei::SniffFormat("<svg xmlns='http://www.w3.org/2000/svg'/>") == ei::Format::kUnknown);
  CHECK(ei::SniffFormat("BM but not a bitmap at all") == ei::Format::kUnknown);
  CHECK(ei::SniffFormat("RIFF\x10\0\0\0WAVEfmt ") == ei::Format::kUnknown);
}

TEST_CASE("Probe names recognisable unsupported formats", "[image][probe]") {
  struct Case {
    std::string bytes, name;
  };
  std::vector<Case> cases = {
      {std::string("\0\0\0\x18"
                   "ftypcrx \0\0\0\0",
                   16),
       "Canon CR3"},
      {std::string("\0\0\0\x18"
                   "ftypisom\0\0\0\0",
                   16),
       "MP4/MOV"},
      {std::string("II*\0\x08\0\0\0", 8), "TIFF"},
      {"%PDF-1.7\n%...", "PDF"},
      {"<?xml version=\"1.0\"?>\n<svg width=\"10\"/>", "SVG"},
  };
  for (const auto& c : cases) {
    auto r = ei::Probe(c.bytes, {});
    INFO(c.name);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == ErrorCode::kUnsupportedFormat);
    CHECK(r.status().message().find(c.name) != std::string::npos);
  }
  auto text = ei::Probe("just some text", {});
  CHECK(text.status().code() == ErrorCode::kUnsupportedFormat);
  auto empty = ei::Probe("", {});
  CHECK(empty.status().code() == ErrorCode::kUnsupportedFormat);
}

TEST_CASE("Probe reads declared dimensions for every format", "[image][probe]") {
  struct Case {
    std::string bytes;
    ei::Format format;
  };
  std::vector<Case> cases = {{et::MakeJpeg(120, 70), ei::Format::kJpeg},
                             {et::MakeJpeg(120, 70, {}, true), ei::Format::kJpeg},
                             {et::MakePng(120, 70), ei::Format::kPng},
                             {et::MakePng(120, 70, true), ei::Format::kPng},
                             {et::MakeGif(120, 70), ei::Format::kGif},
                             {et::MakeBmp(120, 70), ei::Format::kBmp},
                             {et::MakeWebp(120, 70), ei::Format::kWebp},
                             {et::MakeWebp(120, 70, true, true), ei::Format::kWebp}};
  for (const auto& c : cases) {
    auto r = ei::Probe(c.bytes, {});
    INFO(ei::FormatName(c.format));
    REQUIRE(r.ok());
    CHECK(r->format == c.format);
    CHECK(r->width == 120);
    CHECK(r->height == 70);
  }
}

TEST_CASE("Probe handles top-down BMP (negative height)", "[image][probe]") {
  std::string bmp = et::MakeBmp(10, 6);
  int32_t neg = -6;
  for (int i = 0; i < 4; ++i) bmp[22 + i] = char((uint32_t(neg) >> (8 * i)) & 0xFF);
  auto r = ei::Probe(bmp, {});
  REQUIRE(r.ok());
  CHECK(r->height == 6);
  auto out = ei::ProcessImage(bmp, ei::DefaultVariants(), {});
  REQUIRE(out.ok());
  CHECK(out->variants[1].height == 6);
}

TEST_CASE("Pixel bombs are refused from the header without allocating", "[image][probe]") {
  std::string bomb = et::MakePngHeaderOnly(65535, 65535);
  auto r = ei::Probe(bomb, {});
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == ErrorCode::kTooManyPixels);
  // ProcessImage refuses it the same way (4.3 Gpx would be 17 GB of RGBA).
  auto p = ei::ProcessImage(bomb, ei::DefaultVariants(), {});
  REQUIRE_FALSE(p.ok());
  CHECK(p.status().code() == ErrorCode::kTooManyPixels);

  ei::Limits tight;
  tight.max_pixels = 100 * 100;
  CHECK(ei::Probe(et::MakeJpeg(101, 100), tight).status().code() == ErrorCode::kTooManyPixels);
  CHECK(ei::Probe(et::MakeJpeg(100, 100), tight).ok());
  ei::Limits side;
  side.max_side = 64;
  CHECK(ei::Probe(et::MakeGif(65, 10), side).status().code() == ErrorCode::kTooManyPixels);
}

TEST_CASE("Truncated headers are undecodable, never a crash", "[image][probe]") {
  for (const std::string& full : {et::MakeJpeg(64, 64), et::MakePng(64, 64), et::MakeGif(64, 64),
                                  et::MakeBmp(64, 64), et::MakeWebp(64, 64)}) {
    for (size_t cut : {size_t(3), size_t(12), size_t(20), size_t(30), full.size() / 2}) {
      std::string part = full.substr(0, cut);
      auto r = ei::ProcessImage(part, ei::DefaultVariants(), {});
      INFO(ei::FormatName(ei::SniffFormat(full))
           << " cut at " << cut << ": " << r.status().ToString());
      // Too short to recognise: unsupported; recognised but cut: undecodable.
      const ErrorCode want = ei::SniffFormat(part) == ei::Format::kUnknown
                                 ? ErrorCode::kUnsupportedFormat
                                 : ErrorCode::kUndecodable;
      REQUIRE_FALSE(r.ok());
      CHECK(r.status().code() == want);
      CHECK_FALSE(r.status().message().empty());
    }
  }
}

TEST_CASE("Truncated JPEG and PNG data are refused as undecodable", "[image][probe]") {
  std::string jpeg = et::MakeJpeg(300, 200);
  auto j = ei::ProcessImage(jpeg.substr(0, jpeg.size() * 6 / 10), ei::DefaultVariants(), {});
  REQUIRE_FALSE(j.ok());
  CHECK(j.status().code() == ErrorCode::kUndecodable);
  std::string png = et::MakePng(300, 200);
  auto p = ei::ProcessImage(png.substr(0, png.size() * 6 / 10), ei::DefaultVariants(), {});
  REQUIRE_FALSE(p.ok());
  CHECK(p.status().code() == ErrorCode::kUndecodable);
  CHECK(p.status().message().find("truncated") != std::string::npos);
}
