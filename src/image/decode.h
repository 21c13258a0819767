// Per-format decoders into 8-bit RGB/RGBA PixelBuffers, and what each holds.
//
// Each takes the header already read (and limit-checked) by ReadHeader. The
// JPEG, still-WebP and non-interlaced PNG decoders shrink on load: they may
// return any size at least min_width x min_height (stored orientation), never
// larger than the image. GIF and BMP return full size. Errors: kUndecodable
// (corrupt or truncated data, with the reason), kUnsupportedFormat (valid but
// exotic variants: 12-bit or lossless JPEG, a HEIF codec libheif cannot
// decode, ...). HEIF returns full (displayed) size. Thread-safe: no shared state.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "image/header.h"
#include "image/pixel_buffer.h"

namespace edgepix::image {

// Colour is converted to sRGB for CMYK/YCCK images (using the embedded
// profile when there is one); RGB images come back as stored. Through libjpeg,
// as a browser decodes: its warnings are appended to `warnings` (when given)
// instead of failing; damaged data fails only when under half of the rows
// decode before it (decode_jpeg.cpp).
Result<PixelBuffer> DecodeJpeg(std::string_view bytes, const HeaderInfo& h, int min_width,
                               int min_height, std::vector<std::string>* warnings = nullptr);
// PNG through libpng, row by row: 16-bit samples are scaled to 8 bits as each
// row arrives, and a non-interlaced image is box-shrunk by PngShrinkFactor
// into an accumulator of output rows, so the whole image is never held.
// Interlaced images (Adam7 needs every pass) are decoded at full size.
Result<PixelBuffer> DecodePng(std::string_view bytes, const HeaderInfo& h, int min_width,
                              int min_height);
// GIF (first frame, composited on its screen) through giflib (GifFrames).
Result<PixelBuffer> DecodeGif(std::string_view bytes, const HeaderInfo& h);
// A first frame giflib refuses (LZW code size over 8) goes through stb_image.
bool GifNeedsStb(const HeaderInfo& h);
// BMP (own decoder; RLE is refused earlier by the header reader).
Result<PixelBuffer> DecodeBmp(std::string_view bytes, const HeaderInfo& h);
// Still WebP (scaled on load when opaque) or the first frame of an animation.
Result<PixelBuffer> DecodeWebp(std::string_view bytes, const HeaderInfo& h, int min_width,
                               int min_height);

// HEIF family (HEIC, AVIF...) through libheif: the primary image at its full
// displayed size, already oriented by the file's irot/imir/clap (never by
// EXIF), 8 bits a sample, alpha kept. Tiles decode on the calling thread.
Result<PixelBuffer> DecodeHeif(std::string_view bytes, const HeaderInfo& h);

// The output size each shrinking decoder chooses, shared by the decoder and
// DecodeFootprintBytes so the two cannot disagree.
struct Size {
  int width = 0;
  int height = 0;
};
Size JpegOutputSize(int width, int height, int min_width, int min_height);
Size WebpOutputSize(const HeaderInfo& h, int min_width, int min_height);
// The integer box factor of the PNG shrink (1 = none): the largest k that
// keeps ceil(width/k) >= min_width and ceil(height/k) >= min_height.
int PngShrinkFactor(const HeaderInfo& h, int min_width, int min_height);

// The smallest decode (stored orientation) from which every spec can be made
// at twice its output density; `swap` when EXIF orientation swaps the axes.
Size DecodeTargetSize(const HeaderInfo& h, bool swap, const std::vector<VariantSpec>& specs);

// Bytes a decode of this header holds at its peak, for PixelBudget: the
// decoder's working memory (libjpeg's coefficients for progressive JPEGs,
// libwebp's 4-byte ARGB plane for lossless WebP, libpng's rows, the GIF
// screen canvas) plus the buffer it returns. Measured against these figures:
// bench/memory/RESULTS.md.
uint64_t DecodeFootprintBytes(const HeaderInfo& h, int min_width, int min_height);

// kOverMemoryBudget when the decode for limits.variants, in either orientation
// (EXIF may swap the axes and is not read at intake), needs more than
// limits.memory_budget_bytes. Ok when the budget is 0.
Status CheckDecodeMemory(const HeaderInfo& h, const Limits& limits);

}  // namespace edgepix::image
