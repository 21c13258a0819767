// The portable and SSE2 passes, and the choice among them and the AVX2
// passes (lanczos_rows_avx2.cpp). SSE2 follows pillow-simd's layout: two
// source rows' bytes interleaved and widened to int16 pairs, so one pmaddwd
// applies two taps' weights.

#include "image/lanczos_rows.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "image/lanczos_rows_x86.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace edgepix::image {
namespace {

using rows_x86::kMidShift;
using rows_x86::kOutShift;

int16_t MidFromSum(int32_t s) {
  return static_cast<int16_t>(std::clamp((s + (1 << (kMidShift - 1))) >> kMidShift, -32768, 32767));
}

uint8_t ByteFromSum(int32_t s) {
  return static_cast<uint8_t>(std::clamp((s + (1 << (kOutShift - 1))) >> kOutShift, 0, 255));
}

void VerticalRgbScalar(int16_t* mid, const uint8_t* const* rows, const int16_t* w, int taps,
                       size_t begin, size_t n) {
  for (size_t i = begin; i < n; ++i) {
    int32_t s = 0;
    for (int k = 0; k < taps; ++k) s += int32_t{w[k]} * rows[k][i];
    mid[i] = MidFromSum(s);
  }
}

void HorizontalRgbScalar(uint8_t* out, const int16_t* mid, const FixedTaps& tx, int out_w) {
  for (int x = 0; x < out_w; ++x) {
    const int16_t* p = mid + static_cast<size_t>(tx.first[static_cast<size_t>(x)] - tx.lo) * 3;
    const int16_t* w = &tx.weights[static_cast<size_t>(x) * static_cast<size_t>(tx.stride)];
    const int n = tx.count[static_cast<size_t>(x)];
    int32_t s0 = 0, s1 = 0, s2 = 0;
    for (int k = 0; k < n; ++k, p += 3) {
      s0 += int32_t{w[k]} * p[0];
      s1 += int32_t{w[k]} * p[1];
      s2 += int32_t{w[k]} * p[2];
    }
    uint8_t* d = out + static_cast<size_t>(x) * 3;
    d[0] = ByteFromSum(s0);
    d[1] = ByteFromSum(s1);
    d[2] = ByteFromSum(s2);
  }
}

#if defined(__SSE2__)

// Two Q14 weights as the (low, high) int16 pair of every 32-bit lane.
__m128i WeightPair(const int16_t* w) {
  int32_t pair;
  std::memcpy(&pair, w, sizeof pair);
  return _mm_set1_epi32(pair);
}

}  // namespace

void rows_x86::VerticalRgbSse2(int16_t* mid, const uint8_t* const* rows, const int16_t* w, int taps,
                               size_t begin, size_t n) {
  const __m128i zero = _mm_setzero_si128();
  const __m128i round = _mm_set1_epi32(1 << (kMidShift - 1));
  // The weight pairs broadcast once per row, not once per 16 bytes.
  const int pairs = (taps + 1) / 2;
  struct Pair {
    __m128i v;
  };
  Pair small[32];
  std::vector<Pair> big;
  Pair* wp = small;
  if (pairs > 32) {
    big.resize(static_cast<size_t>(pairs));
    wp = big.data();
  }
  for (int j = 0; j < pairs; ++j) wp[j].v = WeightPair(w + 2 * j);  // w[taps] is 0 if taps is odd
  const int even = taps & ~1;
  size_t i = begin;
  for (; i + 16 <= n; i += 16) {
    // Sums of bytes i..i+3, i+4..i+7, i+8..i+11, i+12..i+15.
    __m128i s0 = zero, s1 = zero, s2 = zero, s3 = zero;
    auto add = [&](__m128i r0, __m128i r1, __m128i weights) {
      const __m128i lo = _mm_unpacklo_epi8(r0, r1);  // r0[i], r1[i], r0[i+1], ...
      const __m128i hi = _mm_unpackhi_epi8(r0, r1);
      s0 = _mm_add_epi32(s0, _mm_madd_epi16(_mm_unpacklo_epi8(lo, zero), weights));
      s1 = _mm_add_epi32(s1, _mm_madd_epi16(_mm_unpackhi_epi8(lo, zero), weights));
      s2 = _mm_add_epi32(s2, _mm_madd_epi16(_mm_unpacklo_epi8(hi, zero), weights));
      s3 = _mm_add_epi32(s3, _mm_madd_epi16(_mm_unpackhi_epi8(hi, zero), weights));
    };
    for (int k = 0; k < even; k += 2) {
      add(_mm_loadu_si128(reinterpret_cast<const __m128i*>(rows[k] + i)),
          _mm_loadu_si128(reinterpret_cast<const __m128i*>(rows[k + 1] + i)), wp[k / 2].v);
    }
    if (even < taps) {  // the odd last tap, paired with zeros
      add(_mm_loadu_si128(reinterpret_cast<const __m128i*>(rows[even] + i)), zero, wp[even / 2].v);
    }
    s0 = _mm_srai_epi32(_mm_add_epi32(s0, round), kMidShift);
    s1 = _mm_srai_epi32(_mm_add_epi32(s1, round), kMidShift);
    s2 = _mm_srai_epi32(_mm_add_epi32(s2, round), kMidShift);
    s3 = _mm_srai_epi32(_mm_add_epi32(s3, round), kMidShift);
    // packs saturates to int16: the scalar clamp.
    _mm_storeu_si128(reinterpret_cast<__m128i*>(mid + i), _mm_packs_epi32(s0, s1));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(mid + i + 8), _mm_packs_epi32(s2, s3));
  }
  // The last < 16 bytes: a 16-byte load would read past the source row.
  VerticalRgbScalar(mid, rows, w, taps, i, n);
}

namespace {

// The pair copy's start in mid: after the vertical output, 16-byte aligned.
int16_t* PairsOf(int16_t* mid, size_t span_px) {
  const uintptr_t p = reinterpret_cast<uintptr_t>(mid + (span_px + 2) * 3);
  return reinterpret_cast<int16_t*>((p + 15) & ~uintptr_t{15});
}

void HorizontalRgbSse2(uint8_t* out, int16_t* mid, size_t span_px, const FixedTaps& tx, int out_w) {
  const __m128i zero = _mm_setzero_si128();
  const __m128i round = _mm_set1_epi32(1 << (kOutShift - 1));
  // pairs[j] = (R_j, R_j+1), (G_j, G_j+1), (B_j, B_j+1), (R_j+1, R_j+2): one
  // pmaddwd with two taps' weights gives R, G, B (and junk) of taps j, j + 1.
  __m128i* pairs = reinterpret_cast<__m128i*>(PairsOf(mid, span_px));
  for (size_t j = 0; j < span_px; ++j) {
    const __m128i a = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(mid + j * 3));
    const __m128i b = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(mid + j * 3 + 3));
    _mm_store_si128(pairs + j, _mm_unpacklo_epi16(a, b));
  }
  // The tables in locals: stores through `out` (uint8_t, may alias anything)
  // would otherwise make the compiler reload tx's fields for every pixel.
  const int* __restrict first = tx.first.data();
  const int* __restrict count = tx.count.data();
  const int16_t* __restrict w = tx.weights.data();
  const size_t stride = static_cast<size_t>(tx.stride);
  const int lo = tx.lo;
  for (int x = 0; x < out_w; ++x, w += stride) {
    const __m128i* p = pairs + (first[x] - lo);
    const int n = count[x];
    // Two independent sums: one chain would wait on paddd's latency.
    __m128i s0 = zero, s1 = zero;
    int k = 0;
    for (; k + 4 <= n; k += 4) {
      s0 = _mm_add_epi32(s0, _mm_madd_epi16(_mm_load_si128(p + k), WeightPair(w + k)));
      s1 = _mm_add_epi32(s1, _mm_madd_epi16(_mm_load_si128(p + k + 2), WeightPair(w + k + 2)));
    }
    // The odd last tap pairs with pixel n, inside the span or its zero padding,
    // under a zero weight.
    for (; k < n; k += 2) {
      s0 = _mm_add_epi32(s0, _mm_madd_epi16(_mm_load_si128(p + k), WeightPair(w + k)));
    }
    __m128i s = _mm_srai_epi32(_mm_add_epi32(_mm_add_epi32(s0, s1), round), kOutShift);
    s = _mm_packs_epi32(s, s);
    s = _mm_packus_epi16(s, s);  // with packs: the scalar clamp to 0..255
    const int32_t rgbx = _mm_cvtsi128_si32(s);
    std::memcpy(out + static_cast<size_t>(x) * 3, &rgbx, 3);  // little-endian: R G B
  }
}

#endif  // __SSE2__

}  // namespace

bool RowKernelsHaveSse2() {
#if defined(__SSE2__)
  return true;
#else
  return false;
#endif
}

bool RowKernelsHaveAvx2() {
#if EDGEPIX_LANCZOS_AVX2
  return rows_x86::CpuHasAvx2();
#else
  return false;
#endif
}

void VerticalRgb(RowKernels k, int16_t* mid, const uint8_t* const* rows, const int16_t* w, int taps,
                 size_t n) {
#if EDGEPIX_LANCZOS_AVX2
  if (k == RowKernels::kBest && rows_x86::CpuHasAvx2()) {
    return rows_x86::VerticalRgbAvx2(mid, rows, w, taps, n);
  }
#endif
#if defined(__SSE2__)
  if (k != RowKernels::kPortable) return rows_x86::VerticalRgbSse2(mid, rows, w, taps, 0, n);
#endif
  (void)k;
  VerticalRgbScalar(mid, rows, w, taps, 0, n);
}

size_t MidRgbSize(size_t span_px, int rows) {
  // The working copy takes 16 bytes a pixel a row (the AVX2 code's in the
  // first row's buffer), plus room to align it.
  return (span_px + 2) * 3 + 16 + span_px * 8 * static_cast<size_t>(rows);
}

int HorizontalRgbRows(RowKernels k) {
  return k == RowKernels::kBest && RowKernelsHaveAvx2() ? 4 : 1;
}

void HorizontalRgb(RowKernels k, uint8_t* const* out, int16_t* const* mid, int rows, size_t span_px,
                   const FixedTaps& tx, int out_w) {
  (void)k;  // unused where only the portable code is built
  (void)span_px;
  int r = 0;
#if EDGEPIX_LANCZOS_AVX2
  if (HorizontalRgbRows(k) == 4) {
    if (rows - r >= 4)
      rows_x86::HorizontalRgbAvx2Rows4(out + r, mid + r, span_px, tx, out_w), r += 4;
    if (rows - r >= 2)
      rows_x86::HorizontalRgbAvx2Rows2(out + r, mid + r, span_px, tx, out_w), r += 2;
  }
#endif
  for (; r < rows; ++r) {
#if defined(__SSE2__)
    if (k != RowKernels::kPortable) {
      HorizontalRgbSse2(out[r], mid[r], span_px, tx, out_w);
      continue;
    }
#endif
    HorizontalRgbScalar(out[r], mid[r], tx, out_w);
  }
}

void VerticalRgba(int64_t* mid, const uint8_t* const* rows, const int16_t* w, int taps, size_t px) {
  for (size_t i = 0; i < px; ++i) {
    int64_t s[4] = {0, 0, 0, 0};
    for (int k = 0; k < taps; ++k) {
      const uint8_t* p = rows[k] + i * 4;
      const int64_t wa = int64_t{w[k]} * p[3];
      s[0] += wa * p[0];
      s[1] += wa * p[1];
      s[2] += wa * p[2];
      s[3] += wa;
    }
    std::memcpy(mid + i * 4, s, sizeof s);
  }
}

void HorizontalRgba(uint8_t* out, const int64_t* mid, const FixedTaps& tx, int out_w) {
  constexpr int64_t kHalf = int64_t{1} << (2 * kTapBits - 1);  // alpha 0.5 in Q28
  for (int x = 0; x < out_w; ++x) {
    const int64_t* p = mid + static_cast<size_t>(tx.first[static_cast<size_t>(x)] - tx.lo) * 4;
    const int16_t* w = &tx.weights[static_cast<size_t>(x) * static_cast<size_t>(tx.stride)];
    const int n = tx.count[static_cast<size_t>(x)];
    int64_t s[4] = {0, 0, 0, 0};
    for (int k = 0; k < n; ++k, p += 4) {
      for (int c = 0; c < 4; ++c) s[c] += w[k] * p[c];
    }
    uint8_t* d = out + static_cast<size_t>(x) * 4;
    if (s[3] < kHalf) {  // rounds to alpha 0: no colour to keep
      std::memset(d, 0, 4);
      continue;
    }
    for (int c = 0; c < 3; ++c) {
      // round(s[c] / s[3]), clamped; s[3] > 0 here.
      const int64_t num = 2 * s[c] + s[3];
      d[c] = num <= 0 ? 0 : static_cast<uint8_t>(std::min<int64_t>(num / (2 * s[3]), 255));
    }
    d[3] = static_cast<uint8_t>(std::min<int64_t>((s[3] + kHalf) >> (2 * kTapBits), 255));
  }
}

}  // namespace edgepix::image
