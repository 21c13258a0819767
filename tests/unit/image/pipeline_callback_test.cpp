// ProcessImage's per-variant callback, serial vs parallel encoding, and the
// process-wide pixel budget as the pipeline uses it.

#include <catch2/catch.hpp>
#include <thread>

#include "image/cpu_tokens.h"
#include "image/pipeline.h"
#include "image/pixel_budget.h"
#include "unit/image/webp_inspect.h"
#include "unit/support/fixtures.h"

namespace ei = edgepix::image;
namespace et = edgepix::testing;

TEST_CASE("on_variant fires smallest first with the final bytes", "[image][pipeline][callback]") {
  // Specs deliberately not in size order.
  std::vector<ei::VariantSpec> specs = {{"large", 1280, 1280, ei::Fit::kInside, 85},
                                        {"thumb", 150, 150, ei::Fit::kCover, 85},
                                        {"medium", 640, 640, ei::Fit::kInside, 85}};
  for (auto mode : {ei::ParallelVariants::kNever, ei::ParallelVariants::kAlways}) {
    std::vector<ei::VariantOutput> seen;
    std::thread::id caller = std::this_thread::get_id();
    bool same_thread = true;
    ei::PipelineOptions opt;
    opt.parallel = mode;
    opt.on_variant = [&](const ei::VariantOutput& v) {
      same_thread = same_thread && std::this_thread::get_id() == caller;
      seen.push_back(v);
    };
    auto r = ei::ProcessImage(et::MakeJpeg(2000, 1500), specs, opt);
    REQUIRE(r.ok());
    REQUIRE(seen.size() == 3);
    CHECK(same_thread);
    CHECK(seen[0].name == "thumb");
    CHECK(seen[1].name == "medium");
    CHECK(seen[2].name == "large");
    // The result keeps spec order and matches what the callback saw.
    REQUIRE(r->variants.size() == 3);
    CHECK(r->variants[0].name == "large");
    CHECK(r->variants[1].name == "thumb");
    CHECK(r->variants[2].name == "medium");
    for (const auto& s : seen) {
      auto it = std::find_if(r->variants.begin(), r->variants.end(),
                             [&](const ei::VariantOutput& v) { return v.name == s.name; });
      REQUIRE(it != r->variants.end());
      CHECK(it->webp == s.webp);
      CHECK(it->width == s.width);
      CHECK(it->height == s.height);
      auto img = et::DecodeWebpRgba(s.webp);
      REQUIRE(img.ok());
      CHECK(img.width == s.width);
    }
  }
}

TEST_CASE("Parallel and serial encoding give identical bytes", "[image][pipeline][parallel]") {
  et::ExifFields rotated;
  rotated.orientation = 6;
  for (const std::string& in : {et::MakeJpeg(1800, 1200, rotated), et::MakePng(700, 500, true),
                                et::MakeJpeg(120, 90)}) {  // small: variants share one buffer
    ei::PipelineOptions serial, parallel;
    serial.parallel = ei::ParallelVariants::kNever;
    parallel.parallel = ei::ParallelVariants::kAlways;
    auto a = ei::ProcessImage(in, ei::DefaultVariants(), serial);
    auto b = ei::ProcessImage(in, ei::DefaultVariants(), parallel);
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    REQUIRE(a->variants.size() == b->variants.size());
    for (size_t i = 0; i < a->variants.size(); ++i) {
      INFO(a->variants[i].name);
      CHECK(a->variants[i].webp == b->variants[i].webp);
    }
  }
  CHECK(ei::CpuTokens::Process().held() == 0);
}

TEST_CASE("The pipeline returns its budget and honours a tight one", "[image][pipeline][budget]") {
  ei::PixelBudget& budget = ei::PixelBudget::Process();
  ei::PipelineOptions opt;
  opt.limits.memory_budget_bytes = 4u << 20;  // a tight budget each small image fits
  auto r = ei::ProcessImage(et::MakeJpeg(80, 60, {}, true), ei::DefaultVariants(), opt);
  REQUIRE(r.ok());
  CHECK(budget.capacity() == 4u << 20);
  CHECK(budget.in_use() == 0);
  // A caller holding the whole budget delays the pipeline until it lets go.
  auto held = budget.Acquire(4u << 20);
  std::atomic<bool> done{false};
  std::thread t([&] {
    auto r2 = ei::ProcessImage(et::MakeJpeg(40, 30), ei::DefaultVariants(), opt);
    done = r2.ok();
  });
  for (int i = 0; i < 2000 && budget.waiting() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  CHECK(budget.waiting() == 1);
  CHECK_FALSE(done.load());
  held.Release();
  t.join();
  CHECK(done.load());
  CHECK(budget.in_use() == 0);
  budget.SetCapacity(ei::Limits{}.memory_budget_bytes);
  // Failures give the budget back too.
  std::string jpeg = et::MakeJpeg(256, 256);
  jpeg.resize(jpeg.size() / 2);
  auto bad = ei::ProcessImage(jpeg, ei::DefaultVariants(), {});
  CHECK(budget.in_use() == 0);
  CHECK(ei::CpuTokens::Process().held() == 0);
}
