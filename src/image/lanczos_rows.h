// The inner loops of the fixed-point Lanczos-3 resampler (lanczos.cpp): one
// output row's vertical pass, then its horizontal pass.
//
// RGB, the hot path (every JPEG), in two implementations that give the same
// bytes: SSE2 on x86-64 (baseline there, so no runtime dispatch) and portable
// scalar C++ (aarch64, armhf; also built on x86-64 so tests compare the two).
// Integer arithmetic is exact, so the order in which either sums its taps does
// not matter; both follow the formulas below to the bit.
//
//   vertical:   mid[i] = clamp((sum_k w[k] * row_k[i] + 2^7) >> 8, int16)
//               Q14 weights x 8-bit samples, kept as int16 with 6 fraction
//               bits (ringing overshoot fits: |mid| <= 255 * 64 * sum|w|)
//   horizontal: out = clamp((sum_k w[k] * mid[px_k] + 2^19) >> 20, 0, 255)
//
// RGBA is filtered alpha-weighted (colour = sum(w a c) / sum(w a)) in exact
// 64-bit integers by one scalar implementation on every architecture: it is
// rare (PNG, WebP with transparency) and the division per pixel dominates it.
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>

#include "image/lanczos_taps.h"

namespace edgepix::image {

enum class RowKernels {
  kBest,      // SSE2 where the target has it, else portable
  kPortable,  // the scalar code, on every architecture
};

// True when kBest is the SSE2 code (x86-64).
bool RowKernelsHaveSse2();

// mid[0, n) from `taps` source rows of n bytes (RGB interleaved) and their
// weights (w must be readable up to the next even index, as FixedTaps' are).
void VerticalRgb(RowKernels k, int16_t* mid, const uint8_t* const* rows, const int16_t* w, int taps,
                 size_t n);

// int16s the RGB intermediate of a row of span_px source pixels needs: the
// vertical pass's output (from index 0, padded by 2 zero pixels, since taps
// are read in pairs) and room for HorizontalRgb's working copy.
size_t MidRgbSize(size_t span_px);

// One output row of out_w RGB pixels from mid (MidRgbSize(span_px) int16s,
// zero-initialised once; its pixel 0 is source column tx.lo). The SSE2 code
// first stores each pixel interleaved with the next (R R' G G' B B' 0 0), so
// a pair of taps is one load and one pmaddwd; it overwrites only that copy.
void HorizontalRgb(RowKernels k, uint8_t* out, int16_t* mid, size_t span_px, const FixedTaps& tx,
                   int out_w);

// RGBA: mid holds 4 int64 per source pixel (sum w a c for c = R, G, B, and
// sum w a, all Q14).
void VerticalRgba(int64_t* mid, const uint8_t* const* rows, const int16_t* w, int taps, size_t px);
void HorizontalRgba(uint8_t* out, const int64_t* mid, const FixedTaps& tx, int out_w);

}  // namespace edgepix::image
