// The thumb first: which variant a JPEG makes from its own reduced decode, and
// that ProcessImage publishes it first and makes the same picture as the full path.

#include "image/early_variant.h"

#include <catch2/catch.hpp>
#include <cstdlib>

#include "image/header.h"
#include "image/pipeline.h"
#include "unit/image/webp_inspect.h"
#include "unit/support/fixtures.h"

namespace ei = edgepix::image;
namespace et = edgepix::testing;

namespace {

std::optional<size_t> EarlyFor(const std::string& bytes,
                               const std::vector<ei::VariantSpec>& specs = ei::DefaultVariants()) {
  auto h = ei::ReadHeader(bytes, true);
  REQUIRE(h.ok());
  return ei::EarlyVariantIndex(*h, false, specs);
}

}  // namespace

TEST_CASE("A large baseline JPEG makes its smallest variant early, others do not",
          "[image][early]") {
  CHECK(EarlyFor(et::MakeJpeg(4000, 3000)) == std::optional<size_t>(0));
  // The smallest wherever it is in the list.
  std::vector<ei::VariantSpec> specs = {{"large", 1280, 1280, ei::Fit::kInside, 85},
                                        {"tiny", 64, 64, ei::Fit::kCover, 85},
                                        {"medium", 640, 640, ei::Fit::kInside, 85}};
  CHECK(EarlyFor(et::MakeJpeg(4000, 3000), specs) == std::optional<size_t>(1));
  // Progressive: a reduced decode still reads every scan; no gain.
  CHECK_FALSE(EarlyFor(et::MakeJpeg(4000, 3000, {}, true)).has_value());
  // Small: the thumb's decode would not be a quarter of the full one per axis.
  CHECK_FALSE(EarlyFor(et::MakeJpeg(1000, 750)).has_value());
  // Other formats, and a single variant.
  CHECK_FALSE(EarlyFor(et::MakePng(4000, 3000)).has_value());
  CHECK_FALSE(EarlyFor(et::MakeJpeg(4000, 3000), {ei::DefaultVariants()[0]}).has_value());
}

TEST_CASE("The early thumb is published first and matches the full decode's thumb",
          "[image][early]") {
  ei::PipelineOptions opt;
  std::vector<std::string> seen;
  opt.on_variant = [&](const ei::VariantOutput& v) { seen.push_back(v.name); };
  auto baseline = ei::ProcessImage(et::MakeJpeg(4000, 3000), ei::DefaultVariants(), opt);
  REQUIRE(baseline.ok());
  CHECK(seen == std::vector<std::string>{"thumb", "medium", "large"});
  REQUIRE(baseline->variants.size() == 3);
  CHECK(baseline->variants[0].name == "thumb");
  CHECK(baseline->variants[0].width == 150);
  CHECK(baseline->variants[0].height == 150);
  CHECK(baseline->warnings.empty());
  CHECK_FALSE(baseline->thumbhash.empty());
  // The same pixels stored progressive take the full path (no early decode).
  auto full = ei::ProcessImage(et::MakeJpeg(4000, 3000, {}, true), ei::DefaultVariants(), {});
  REQUIRE(full.ok());
  auto a = et::DecodeWebpRgba(baseline->variants[0].webp);
  auto b = et::DecodeWebpRgba(full->variants[0].webp);
  REQUIRE(a.width == b.width);
  REQUIRE(a.height == b.height);
  double diff = 0;
  for (size_t i = 0; i < a.rgba.size(); ++i) diff += std::abs(int(a.rgba[i]) - int(b.rgba[i]));
  CHECK(diff / double(a.rgba.size()) < 2.0);  // mean absolute difference per sample
  // Without on_variant nobody sees the order: no early decode, the baseline's
  // thumb comes from the full decode, as the progressive one's does.
  auto batch = ei::ProcessImage(et::MakeJpeg(4000, 3000), ei::DefaultVariants(), {});
  REQUIRE(batch.ok());
  CHECK(et::DecodeWebpRgba(batch->variants[0].webp).rgba == b.rgba);
  CHECK(et::DecodeWebpRgba(baseline->variants[0].webp).rgba != b.rgba);
  // EXIF orientation 6 swaps the axes: the early thumb is oriented too.
  const std::vector<ei::VariantSpec> specs = {{"thumb", 60, 40, ei::Fit::kCover, 85},
                                              {"large", 1280, 1280, ei::Fit::kInside, 85}};
  et::ExifFields exif6;
  exif6.orientation = 6;
  const std::string upright = et::MakeJpeg(4000, 2000, exif6);
  auto h = ei::ReadHeader(upright, true);
  REQUIRE(h.ok());
  CHECK(ei::EarlyVariantIndex(*h, true, specs) == std::optional<size_t>(0));
  auto rotated = ei::ProcessImage(upright, specs, opt);
  REQUIRE(rotated.ok());
  CHECK(rotated->variants[0].width == 60);
  CHECK(rotated->variants[0].height == 40);
  CHECK(rotated->variants[1].width == 640);
  CHECK(rotated->variants[1].height == 1280);
}
