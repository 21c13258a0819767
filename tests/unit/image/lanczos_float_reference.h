// The floating-point Lanczos-3 resampler that src/image/lanczos.cpp replaced
// (commit a306329), kept verbatim but for its name: the reference the
// fixed-point one is held to (+-1 per channel, lanczos_fixed_test.cpp) and the
// "before" of bench/tools/resize_bench.cpp. Same contract as
// image::Lanczos3Resample.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/status.h"
#include "image/lanczos.h"
#include "image/pixel_buffer.h"

namespace edgepix::image::reference {

Result<PixelBuffer> Lanczos3ResampleFloat(const uint8_t* src, size_t stride, int src_w, int src_h,
                                          int channels, const SourceWindow& window, int out_w,
                                          int out_h);

}  // namespace edgepix::image::reference
