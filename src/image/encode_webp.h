// WebP encoding of a PixelBuffer with libwebp's advanced API: lossy at the
// given quality and method (0..6, speed/size trade-off), single-threaded (the
// caller runs one image per worker), no metadata chunks (no EXIF/ICCP/XMP).
// RGBA buffers keep their alpha; RGB buffers produce an opaque WebP.
#pragma once

#include <string>

#include "common/status.h"
#include "image/pixel_buffer.h"

namespace edgepix::image {

Result<std::string> EncodeWebp(const PixelBuffer& px, int quality, int method);

// Sets the colour of fully transparent pixels to black so that lossy chroma
// subsampling cannot pull hidden colour into visible edge pixels.
void ClearHiddenColour(PixelBuffer& px);

}  // namespace edgepix::image
