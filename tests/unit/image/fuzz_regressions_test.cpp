// Replays every input the fuzzers once crashed on (tests/fuzz/regressions/)
// through Probe and ProcessImage with production options: each must come back
// as a value — success, or a clean refusal (unsupported_format, undecodable,
// too_many_pixels, over_memory_budget) — never a crash, a sanitizer report or an internal error.
// Runs in the ordinary and the ASan/UBSan builds of scripts/test.sh.

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "image/pipeline.h"
#include "unit/support/fixtures.h"

namespace fs = std::filesystem;
namespace ei = edgepix::image;
namespace et = edgepix::testing;
using edgepix::ErrorCode;

namespace {

fs::path RegressionDir() {
  return fs::path(__FILE__).parent_path().parent_path().parent_path() / "fuzz" / "regressions";
}

bool CleanRefusal(ErrorCode c) {
  return c == ErrorCode::kUnsupportedFormat || c == ErrorCode::kUndecodable ||
         c == ErrorCode::kTooManyPixels || c == ErrorCode::kOverMemoryBudget;
}

}  // namespace

TEST_CASE("Inputs that once crashed a fuzz target are handled as values",
          "[image][fuzz][regression]") {
  const fs::path dir = RegressionDir();
  REQUIRE(fs::is_directory(dir));
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() != ".md") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  // An empty folder, or a fuzz target without an input of its own, would make
  // this replay (and scripts/fuzz.sh's) check nothing.
  REQUIRE_FALSE(files.empty());
  for (const char* target : {"jpeg", "png", "gif", "bmp", "webp", "heif", "exif", "pipeline"}) {
    INFO("fuzz target " << target << " has no tests/fuzz/regressions/" << target << "-*");
    CHECK(std::any_of(files.begin(), files.end(), [&](const fs::path& f) {
      return f.filename().string().rfind(std::string(target) + "-", 0) == 0;
    }));
  }
  for (const fs::path& f : files) {
    INFO(f.filename().string());
    const std::string bytes = et::ReadFileOrDie(f.string());
    auto probe = ei::Probe(bytes, ei::Limits{});
    if (!probe.ok()) CHECK(CleanRefusal(probe.status().code()));
    auto r = ei::ProcessImage(bytes, ei::DefaultVariants(), ei::PipelineOptions{});
    if (r.ok()) {
      CHECK(r->variants.size() == ei::DefaultVariants().size());
      for (const auto& v : r->variants) CHECK(!v.webp.empty());
    } else {
      INFO(r.status().ToString());
      CHECK(CleanRefusal(r.status().code()));
      CHECK(!r.status().message().empty());
    }
  }
}
