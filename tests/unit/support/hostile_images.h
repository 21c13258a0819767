// Images made by the tests to exercise memory limits and colour management:
// PNG headers of any depth/colour type/interlace, PNGs of one colour (16-bit
// too, compressed to almost nothing however large), GIFs whose first frame
// lies outside the screen, and an ICC profile that is not sRGB. Nothing is
// read from disk; large images are never committed.
#pragma once

#include <cstdint>
#include <string>

namespace edgepix::testing {

// IHDR (valid CRC) + a tiny IDAT + IEND: a header that declares w x h at the
// given bit depth and colour type (0 grey, 2 RGB, 3 palette, 4 grey+alpha,
// 6 RGBA), optionally Adam7-interlaced. The data does not decode.
std::string MakePngHeader(uint32_t w, uint32_t h, int depth, int color, bool interlaced);

// A complete PNG, every sample equal to `sample` (0..2^depth-1), colour type
// 2 (RGB) or 6 (RGBA), depth 8 or 16, not interlaced; with an iCCP chunk when
// `icc` is not empty.
std::string MakeFlatPng(int w, int h, int depth, int color, uint16_t sample,
                        const std::string& icc = "");

// A GIF whose logical screen is screen_w x screen_h and whose only frame is
// frame_w x frame_h at (left, top), wherever that lies.
std::string MakeGifWithFrame(int screen_w, int screen_h, int left, int top, int frame_w,
                             int frame_h);

// An RGB display profile with sRGB's primaries and white point but a linear
// (gamma 1.0) tone curve, made with lcms2: a sample of 128 in it is ~188 in sRGB.
std::string MakeLinearRgbIccProfile();

}  // namespace edgepix::testing
