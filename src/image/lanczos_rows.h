// The inner loops of the fixed-point Lanczos-3 resampler (lanczos.cpp): one
// output row's vertical pass, then its horizontal pass.
//
// RGB, the hot path (every JPEG), in implementations that give the same
// bytes: SSE2 on x86-64 (baseline there), AVX2 vertical and horizontal
// passes chosen at run time where the CPU has it, and portable scalar C++
// (aarch64, armhf; also built on x86-64 so tests compare them). Integer
// arithmetic is exact, so the order in which each sums its taps does not
// matter; all follow the formulas below to the bit.
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
  kBest,      // AVX2 passes if the CPU has it, else SSE2 where the target has it, else portable
  kSse2,      // SSE2 where the target has it (never AVX2), else portable
  kPortable,  // the scalar code, on every architecture
};

// True when kBest and kSse2 use the SSE2 code (x86-64).
bool RowKernelsHaveSse2();
// True when kBest's passes are the AVX2 code (x86-64, CPU checked once).
bool RowKernelsHaveAvx2();

// mid[0, n) from `taps` source rows of n bytes (RGB interleaved) and their
// weights (w must be readable up to the next even index, as FixedTaps' are).
void VerticalRgb(RowKernels k, int16_t* mid, const uint8_t* const* rows, const int16_t* w, int taps,
                 size_t n);

// int16s the RGB intermediate of a row of span_px source pixels needs: the
// vertical pass's output (from index 0, padded by 2 zero pixels, since taps
// are read in pairs) and room for HorizontalRgb's working copy of `rows` rows
// (HorizontalRgbRows(k): the AVX2 code keeps the copy of all its rows in
// mid[0]'s, so every row's buffer gets this size).
size_t MidRgbSize(size_t span_px, int rows = 1);

// Output rows one HorizontalRgb call makes at best with `k`: 4 with AVX2 (one
// weight broadcast then serves them all), else 1.
int HorizontalRgbRows(RowKernels k);

// `rows` (1 .. HorizontalRgbRows(k)) output rows of out_w RGB pixels,
// out[r] from mid[r] (MidRgbSize(span_px, HorizontalRgbRows(k)) int16s each,
// zero-initialised once; pixel 0 is source column tx.lo). The SSE2 code first
// stores each pixel interleaved with the next (R R' G G' B B' ..), so a pair
// of taps is one load and one pmaddwd; the AVX2 code puts two rows' copies
// side by side in one 256-bit vector. Each overwrites only that copy.
void HorizontalRgb(RowKernels k, uint8_t* const* out, int16_t* const* mid, int rows, size_t span_px,
                   const FixedTaps& tx, int out_w);

// RGBA: mid holds 4 int64 per source pixel (sum w a c for c = R, G, B, and
// sum w a, all Q14).
void VerticalRgba(int64_t* mid, const uint8_t* const* rows, const int16_t* w, int taps, size_t px);
void HorizontalRgba(uint8_t* out, const int64_t* mid, const FixedTaps& tx, int out_w);

}  // namespace edgepix::image
