// Per-format decoders into 8-bit RGB/RGBA PixelBuffers.
//
// Each takes the header already read (and limit-checked) by ReadHeader. The
// JPEG and still-WebP decoders shrink on load: they may return any size at
// least min_width x min_height (stored orientation), never larger than the
// image. Other decoders return full size. Errors: kUndecodable (corrupt or
// truncated data, with the reason), kUnsupportedFormat (valid but exotic
// variants: 12-bit or lossless JPEG, ...).
#pragma once

#include <cstdint>
#include <string_view>

#include "common/status.h"
#include "image/header.h"
#include "image/pixel_buffer.h"

namespace edgepix::image {

// Colour is converted to sRGB for CMYK/YCCK images (using the embedded
// profile when there is one); RGB images come back as stored.
Result<PixelBuffer> DecodeJpeg(std::string_view bytes, const HeaderInfo& h, int min_width,
                               int min_height);
// PNG and GIF (first frame) through stb_image.
Result<PixelBuffer> DecodeWithStb(std::string_view bytes, const HeaderInfo& h);
// BMP (own decoder; RLE is refused earlier by the header reader).
Result<PixelBuffer> DecodeBmp(std::string_view bytes, const HeaderInfo& h);
// Still WebP (scaled on load when opaque) or the first frame of an animation.
Result<PixelBuffer> DecodeWebp(std::string_view bytes, const HeaderInfo& h, int min_width,
                               int min_height);

// Pixels a decode of this header holds at its peak, for PixelBudget: the
// output size the decoder will choose for (min_width, min_height), plus the
// coefficient buffer of progressive JPEGs (2 bytes per sample of every
// component at full size: 2x the pixel count for 4:4:4 YCbCr), in units of
// 3-byte RGB pixels.
uint64_t DecodeFootprintPixels(const HeaderInfo& h, int min_width, int min_height);

}  // namespace edgepix::image
