// Lanczos-3 resampling of 8-bit RGB / RGBA: the last step of every resize.
//
// Resamples a source window given in continuous coordinates (pixel j covers
// [j, j+1); the window may start and end between pixels, so a centred crop is
// exact to the sub-pixel) to out_w x out_h. The kernel is widened by the
// reduction ratio on each axis (anti-aliased, as libvips' reduce does),
// edges are extended, weights normalised. Works on the gamma-encoded values as
// libvips and sharp do. RGBA is filtered alpha-weighted (premultiplied), so
// the colour of transparent pixels does not bleed into visible ones.
//
// Fixed point (Q14 weights summing exactly to 1, lanczos_taps.h; integer
// passes, lanczos_rows.h): within +-1 of the same filter in floating point
// (RGBA colour: where alpha >= 8; below, the colour is ill-conditioned), and
// the same bytes from the SSE2 and the portable kernels (the taps come from
// libm's sin in double, so another libm could in principle round one tap
// differently).
//
// Vertical pass first, one output row at a time into one intermediate row as
// wide as the columns the horizontal pass reads (RGB with AVX2: four rows, then
// one horizontal pass over the four): memory beyond the output is those rows
// plus the tap tables. Pure function over its arguments; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/status.h"
#include "image/lanczos_rows.h"
#include "image/pixel_buffer.h"

namespace edgepix::image {

struct SourceWindow {
  double x0 = 0, y0 = 0;  // top-left corner, in source pixels
  double width = 0, height = 0;
};

// `src` points at pixel (0, 0) of a src_w x src_h image of `channels` (3 or 4)
// bytes a pixel, rows `stride` bytes apart. The window must lie inside it.
// `kernels` is for tests: kPortable runs the scalar code on x86-64 too.
Result<PixelBuffer> Lanczos3Resample(const uint8_t* src, size_t stride, int src_w, int src_h,
                                     int channels, const SourceWindow& window, int out_w, int out_h,
                                     RowKernels kernels = RowKernels::kBest);

}  // namespace edgepix::image
