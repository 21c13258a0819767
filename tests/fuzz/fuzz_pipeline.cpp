// libFuzzer target: the whole ProcessImage pipeline (every format, ICC,
// orientation, cascaded resize, WebP encode) with tiny variants and the
// fastest WebP method, so each unit stays cheap. Checks the result's
// contract: one output per spec, at the planned size, as a decodable WebP.
#include <webp/decode.h>

#include <cstdlib>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_decode.h"
#include "image/orient.h"
#include "image/pipeline.h"
#include "image/resize.h"

namespace {

using edgepix::image::Fit;
using edgepix::image::VariantSpec;

const std::vector<VariantSpec>& Specs() {
  static const std::vector<VariantSpec> specs = {
      {"thumb", 16, 16, Fit::kCover, 50},
      {"medium", 40, 24, Fit::kInside, 60},
      {"strip", 7, 3, Fit::kFill, 40},
  };
  return specs;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace edgepix;
  image::PipelineOptions opt;
  opt.limits = fuzz::FuzzLimits();
  opt.webp_method = 0;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto r = image::ProcessImage(bytes, Specs(), opt);
  if (!r.ok()) {
    if (r.status().code() == ErrorCode::kInternal) std::abort();
    return 0;
  }
  const auto& specs = Specs();
  if (r->variants.size() != specs.size()) std::abort();
  for (size_t i = 0; i < specs.size(); ++i) {
    const auto& v = r->variants[i];
    const auto& s = specs[i];
    // The size planned on the displayed (EXIF-oriented) image, never upscaled.
    bool swap = image::SwapsAxes(r->metadata.orientation);
    int disp_w = swap ? r->original.height : r->original.width;
    int disp_h = swap ? r->original.width : r->original.height;
    image::OutputPlan plan = image::PlanOutput(disp_w, disp_h, s.width, s.height, s.fit);
    if (v.width != plan.width || v.height != plan.height) std::abort();
    if (v.width < 1 || v.height < 1 || v.width > s.width || v.height > s.height) std::abort();
    int w = 0, h = 0;
    if (!WebPGetInfo(reinterpret_cast<const uint8_t*>(v.webp.data()), v.webp.size(), &w, &h) ||
        w != v.width || h != v.height) {
      std::abort();
    }
  }
  return 0;
}
