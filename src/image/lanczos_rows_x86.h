// Internal to lanczos_rows.cpp and lanczos_rows_avx2.cpp (not for other
// callers: lanczos_rows.h is the interface). The fixed-point shifts both files
// follow, the SSE2 vertical pass the AVX2 one finishes a row with, and the
// AVX2 passes lanczos_rows.cpp dispatches to once CpuHasAvx2() said yes.
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>

#include "image/lanczos_taps.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define EDGEPIX_LANCZOS_AVX2 1
#else
#define EDGEPIX_LANCZOS_AVX2 0
#endif

namespace edgepix::image::rows_x86 {

constexpr int kMidShift = kTapBits - 6;  // mid keeps 6 fraction bits
constexpr int kOutShift = kTapBits + 6;

#if defined(__SSE2__)
// mid[begin, n), as VerticalRgb with RowKernels::kSse2 does for [0, n).
void VerticalRgbSse2(int16_t* mid, const uint8_t* const* rows, const int16_t* w, int taps,
                     size_t begin, size_t n);
#endif

#if EDGEPIX_LANCZOS_AVX2
// Whether this CPU runs AVX2 (asked once). Nothing below may be called unless
// it said yes.
bool CpuHasAvx2();
// VerticalRgb's mid[0, n).
void VerticalRgbAvx2(int16_t* mid, const uint8_t* const* rows, const int16_t* w, int taps,
                     size_t n);
// HorizontalRgb's rows out[0..3] (Rows4) or out[0..1] (Rows2), whose working
// copy lives in mid[0]'s buffer.
void HorizontalRgbAvx2Rows4(uint8_t* const* out, int16_t* const* mid, size_t span_px,
                            const FixedTaps& tx, int out_w);
void HorizontalRgbAvx2Rows2(uint8_t* const* out, int16_t* const* mid, size_t span_px,
                            const FixedTaps& tx, int out_w);
#endif

}  // namespace edgepix::image::rows_x86
