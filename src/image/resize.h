// Resize planning and resampling.
//
// Planning works on the image as displayed (after orientation) at full
// resolution, so output sizes never depend on shrink-on-load:
//   inside: fit within WxH keeping aspect;  cover: fill WxH, centre crop;
//   fill: stretch to WxH.  Never upscale: a side never exceeds the source
//   (cover on a small source crops to the target aspect at source scale).
// Resampling: an integer box shrink only while it leaves at least a 2x
// reduction on that axis, then Lanczos-3 (lanczos.h: alpha-weighted for RGBA so
// transparent colour does not bleed into visible pixels) over the centred crop,
// exact to the sub-pixel.
#pragma once

#include "common/status.h"
#include "image/pipeline.h"
#include "image/pixel_buffer.h"

namespace edgepix::image {

struct OutputPlan {
  int width = 0;  // output size
  int height = 0;
  double crop_fx = 1.0;  // fraction of the source width kept (centred)
  double crop_fy = 1.0;  // fraction of the source height kept (centred)
};

OutputPlan PlanOutput(int src_width, int src_height, int target_w, int target_h, Fit fit);

// Resamples the centred crop (crop_fx, crop_fy of src) to out_w x out_h.
// A crop that already has the output size is copied, not filtered.
Result<PixelBuffer> ResizeCentred(const PixelBuffer& src, double crop_fx, double crop_fy, int out_w,
                                  int out_h);

}  // namespace edgepix::image
