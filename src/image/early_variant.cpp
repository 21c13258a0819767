// The early variant: the smallest one, when its own JPEG decode is at most a
// quarter of the full decode on each axis.

#include "image/early_variant.h"

#include <cstdint>

#include "image/decode.h"
#include "image/resize.h"

namespace edgepix::image {

std::optional<size_t> EarlyVariantIndex(const HeaderInfo& h, bool swap,
                                        const std::vector<VariantSpec>& specs) {
  if (h.probe.format != Format::kJpeg || h.jpeg_progressive || specs.size() < 2) {
    return std::nullopt;
  }
  const int disp_w = swap ? h.probe.height : h.probe.width;
  const int disp_h = swap ? h.probe.width : h.probe.height;
  size_t smallest = 0;
  int64_t smallest_area = INT64_MAX;
  for (size_t i = 0; i < specs.size(); ++i) {
    const OutputPlan p = PlanOutput(disp_w, disp_h, specs[i].width, specs[i].height, specs[i].fit);
    const int64_t area = int64_t(p.width) * p.height;
    if (area < smallest_area) {
      smallest_area = area;
      smallest = i;
    }
  }
  const Size all = DecodeTargetSize(h, swap, specs);
  const Size one = DecodeTargetSize(h, swap, {specs[smallest]});
  const Size full = JpegOutputSize(h.probe.width, h.probe.height, all.width, all.height);
  const Size early = JpegOutputSize(h.probe.width, h.probe.height, one.width, one.height);
  if (int64_t(early.width) * 4 > full.width || int64_t(early.height) * 4 > full.height) {
    return std::nullopt;
  }
  return smallest;
}

}  // namespace edgepix::image
