// ThumbHash placeholders: a ~25-byte summary of an image from which a page
// draws a blurred preview before the real thumb arrives.
//
// The format is Evan Wallace's ThumbHash (https://evanw.github.io/thumbhash/):
// the image, composited over its own average colour, in L (luminance),
// P (yellow-blue), Q (red-green) and A (alpha) channels; a few low DCT
// coefficients of each, the DC terms and scales in a 5-byte header (plus one
// for alpha), the AC terms 4 bits each. This is our own implementation of the
// published description; tests/unit/image/thumbhash_test.cpp checks that its
// bytes equal the reference JavaScript encoder's (npm `thumbhash`).
//
// Pure functions, no shared state: safe from any thread. The returned bytes
// are the binary hash (callers base64 them for the wire).
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"
#include "image/pixel_buffer.h"

namespace edgepix::image {

// The largest side ThumbHash takes as input.
inline constexpr int kThumbHashMaxSide = 100;

// Encodes w x h RGBA pixels (not premultiplied, rows packed). w and h in
// 1..kThumbHashMaxSide, else kInternal (a caller bug).
Result<std::string> EncodeThumbHash(int w, int h, const uint8_t* rgba);

// The ThumbHash of an RGB or RGBA buffer: scaled to fit inside 100x100
// (keeping its aspect ratio, never upscaled), then encoded.
Result<std::string> ThumbHashOf(const PixelBuffer& pixels);

}  // namespace edgepix::image
