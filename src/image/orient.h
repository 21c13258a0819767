// EXIF orientation (1..8) applied to pixels.
//
// Orientation says how stored pixels must be transformed for display:
// 2 mirror, 3 rotate 180, 4 flip, 5 transpose, 6 rotate 90 clockwise,
// 7 transverse, 8 rotate 90 counter-clockwise. 5..8 swap width and height.
#pragma once

#include "common/status.h"
#include "image/pixel_buffer.h"

namespace edgepix::image {

inline bool SwapsAxes(int orientation) { return orientation >= 5 && orientation <= 8; }

// Returns the displayed image. Values outside 2..8 return a copy unchanged.
Result<PixelBuffer> Orient(const PixelBuffer& src, int orientation);

}  // namespace edgepix::image
