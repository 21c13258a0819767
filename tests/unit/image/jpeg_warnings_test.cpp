// JPEG like a browser (issue 14): libjpeg's warnings are kept as the image's
// warnings instead of failing it; damaged data fails only when under half of
// the rows decode.

#include <catch2/catch.hpp>

#include "image/pipeline.h"
#include "unit/support/fixtures.h"

namespace ei = edgepix::image;
namespace et = edgepix::testing;
using edgepix::ErrorCode;

namespace {

bool AnyContains(const std::vector<std::string>& list, const std::string& what) {
  for (const auto& s : list) {
    if (s.find(what) != std::string::npos) return true;
  }
  return false;
}

std::string Joined(const std::vector<std::string>& list) {
  std::string out;
  for (const auto& s : list) out += s + "\n";
  return out;
}

}  // namespace

TEST_CASE("A JPEG with stray bytes before a header marker is decoded with a warning",
          "[image][jpeg][warnings]") {
  std::string jpeg = et::MakeJpeg(320, 240);
  const size_t dqt = jpeg.find("\xFF\xDB");
  REQUIRE(dqt != std::string::npos);
  jpeg.insert(dqt, "\x12\x34\x56\x78");
  auto r = ei::ProcessImage(jpeg, ei::DefaultVariants(), {});
  REQUIRE(r.ok());
  INFO(Joined(r->warnings));
  CHECK(r->variants.size() == 3);
  CHECK(AnyContains(r->warnings, "4 extraneous bytes before marker 0xdb"));
  // A clean file has none.
  auto clean = ei::ProcessImage(et::MakeJpeg(320, 240), ei::DefaultVariants(), {});
  REQUIRE(clean.ok());
  CHECK(clean->warnings.empty());
}

TEST_CASE("A JPEG cut at 70% decodes with a warning, one cut at 20% fails",
          "[image][jpeg][warnings]") {
  const std::string jpeg = et::MakeJpeg(640, 480);
  SECTION("70%: most rows are there") {
    auto r = ei::ProcessImage(jpeg.substr(0, jpeg.size() * 7 / 10), ei::DefaultVariants(), {});
    REQUIRE(r.ok());
    INFO(Joined(r->warnings));
    CHECK(AnyContains(r->warnings, "Premature end of JPEG file"));
    CHECK(AnyContains(r->warnings, "of its rows decode, the rest is filled in"));
  }
  SECTION("20%: under half of the rows") {
    auto r = ei::ProcessImage(jpeg.substr(0, jpeg.size() * 2 / 10), ei::DefaultVariants(), {});
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == ErrorCode::kUndecodable);
    CHECK(r.status().message().find("under half") != std::string::npos);
  }
}
