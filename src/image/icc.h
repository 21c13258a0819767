// Colour management with lcms2: embedded ICC profiles to sRGB.
//
// Profiles that are missing, unparsable, already sRGB, or whose colour space
// does not match the pixels are ignored (the pixels are treated as sRGB), so
// a bad profile never fails an image.
#pragma once

#include <cstdint>
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
