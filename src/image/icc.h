// Colour management with lcms2: embedded ICC profiles to sRGB.
//
// Profiles that are missing, unparsable, already sRGB, or whose colour space
// does not match the pixels are ignored (the pixels are treated as sRGB), so
// a bad profile never fails an image.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "image/pixel_buffer.h"

namespace edgepix::image {

// RGB or RGBA pixels, converted in place from `icc` to sRGB.
void ConvertToSrgb(PixelBuffer& buf, std::string_view icc);

// CMYK pixels (4 bytes each, as a JPEG decoder returns them; `inverted` for
// Adobe-style CMYK where 255 means no ink) to a new RGB buffer. With a CMYK
// profile lcms2 converts; otherwise a plain (1-C)(1-K) formula is used.
Result<PixelBuffer> CmykToRgb(const uint8_t* cmyk, int width, int height, std::string_view icc,
                              bool inverted);

}  // namespace edgepix::image

namespace edgepix::image {

// An nclx colour description (ITU-T H.273 code points plus the chromaticities
// libheif decodes from them), as HEIF/AVIF files carry instead of an ICC.
struct NclxColour {
  int primaries = 2;  // 1 = BT.709/sRGB, 2 = unspecified, 9 = BT.2020, 12 = Display P3...
  int transfer = 2;   // 13 = sRGB, 1/6/14/15 = BT.709-like, 8 = linear, 16 = PQ, 18 = HLG...
  float red_x = 0, red_y = 0, green_x = 0, green_y = 0, blue_x = 0, blue_y = 0;
  float white_x = 0, white_y = 0;
};

// An RGB ICC profile equivalent to `nclx`, for ConvertToSrgb; empty when the
// pixels are sRGB already (BT.709 or unspecified primaries with an sRGB-like
// transfer) or the description is unusable. PQ and HLG get only their
// primaries converted (no tone mapping: HDR content is shown as SDR).
std::string IccFromNclx(const NclxColour& nclx);

}  // namespace edgepix::image
