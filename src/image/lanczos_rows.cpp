// SSE2 follows pillow-simd's layout: two source rows' bytes interleaved and
// widened to int16 pairs, so one pmaddwd applies two taps' weights.
//
// AVX2 vertical pass: the SSE2 code's layout, 32 bytes at a time. AVX2
// horizontal pass: the same pairs, row y's in the low 128 bits and row y + 1's
// in the high 128, four rows at a time, so one weight broadcast serves four
// rows and one load and vpmaddwd do two rows' work. Both are compiled with a
// target attribute and chosen at run time, so the binary still runs on x86-64
// without AVX2.

#include "image/lanczos_rows.h"

#include <algorithm>
#include <cstring>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define EDGEPIX_LANCZOS_AVX2 1
#include <immintrin.h>
#else
#define EDGEPIX_LANCZOS_AVX2 0
#endif

namespace edgepix::image {
namespace {

constexpr int kMidShift = kTapBits - 6;  // mid keeps 6 fraction bits
constexpr int kOutShift = kTapBits + 6;

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

void VerticalRgbSse2(int16_t* mid, const uint8_t* const* rows, const int16_t* w, int taps,
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

#if EDGEPIX_LANCZOS_AVX2

bool CpuHasAvx2() {
  static const bool has = __builtin_cpu_supports("avx2");
  return has;
}

// The AVX2 pair copy's start in mid: after the vertical output, 32-byte aligned.
int16_t* PairsAvx2Of(int16_t* mid, size_t span_px) {
  const uintptr_t p = reinterpret_cast<uintptr_t>(mid + (span_px + 2) * 3);
  return reinterpret_cast<int16_t*>((p + 31) & ~uintptr_t{31});
}

// Two Q14 weights as the (low, high) int16 pair of every 32-bit lane of both
// halves: one vpbroadcastd from the table.
__attribute__((target("avx2"))) inline __m256i WeightPair2(const int16_t* w) {
  int32_t pair;
  std::memcpy(&pair, w, sizeof pair);
  return _mm256_set1_epi32(pair);
}

// Two source rows' 32 bytes, weighed by one weight pair, into the four sums
// (a function, not a lambda: a lambda would not inherit the target attribute).
__attribute__((target("avx2"))) inline void AddTapPair(__m256i& s0, __m256i& s1, __m256i& s2,
                                                       __m256i& s3, __m256i r0, __m256i r1,
                                                       __m256i weights) {
  const __m256i zero = _mm256_setzero_si256();
  const __m256i lo = _mm256_unpacklo_epi8(r0, r1);  // r0[i], r1[i], r0[i+1], ...
  const __m256i hi = _mm256_unpackhi_epi8(r0, r1);
  s0 = _mm256_add_epi32(s0, _mm256_madd_epi16(_mm256_unpacklo_epi8(lo, zero), weights));
  s1 = _mm256_add_epi32(s1, _mm256_madd_epi16(_mm256_unpackhi_epi8(lo, zero), weights));
  s2 = _mm256_add_epi32(s2, _mm256_madd_epi16(_mm256_unpacklo_epi8(hi, zero), weights));
  s3 = _mm256_add_epi32(s3, _mm256_madd_epi16(_mm256_unpackhi_epi8(hi, zero), weights));
}

// mid[0, n) 32 bytes at a time, then the last < 32 bytes with the SSE2 and
// the scalar code. Row k's and row k + 1's bytes interleaved and widened are
// the pairs one vpmaddwd weighs with a broadcast weight pair, as in SSE2; the
// weight pair comes straight from the Q14 table (vpbroadcastd from memory),
// so no table of broadcast weights is needed.
__attribute__((target("avx2"))) void VerticalRgbAvx2(int16_t* mid, const uint8_t* const* rows,
                                                     const int16_t* w, int taps, size_t n) {
  const __m256i zero = _mm256_setzero_si256();
  const __m256i round = _mm256_set1_epi32(1 << (kMidShift - 1));
  const int even = taps & ~1;
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    // vpunpck* work within each 128-bit half: s0 holds bytes i..i+3 (low
    // half) and i+16..i+19 (high half), s1 i+4.., s2 i+8.., s3 i+12...
    __m256i s0 = zero, s1 = zero, s2 = zero, s3 = zero;
    for (int k = 0; k < even; k += 2) {
      AddTapPair(s0, s1, s2, s3, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(rows[k] + i)),
                 _mm256_loadu_si256(reinterpret_cast<const __m256i*>(rows[k + 1] + i)),
                 WeightPair2(w + k));
    }
    if (even < taps) {  // the odd last tap, paired with zeros (w[taps] is 0)
      AddTapPair(s0, s1, s2, s3,
                 _mm256_loadu_si256(reinterpret_cast<const __m256i*>(rows[even] + i)), zero,
                 WeightPair2(w + even));
    }
    s0 = _mm256_srai_epi32(_mm256_add_epi32(s0, round), kMidShift);
    s1 = _mm256_srai_epi32(_mm256_add_epi32(s1, round), kMidShift);
    s2 = _mm256_srai_epi32(_mm256_add_epi32(s2, round), kMidShift);
    s3 = _mm256_srai_epi32(_mm256_add_epi32(s3, round), kMidShift);
    // vpackssdw saturates to int16 (the scalar clamp), per half: a = bytes
    // i..i+7 | i+16..i+23, b = i+8..i+15 | i+24..i+31; vperm2i128 puts the
    // halves back in order.
    const __m256i a = _mm256_packs_epi32(s0, s1);
    const __m256i b = _mm256_packs_epi32(s2, s3);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(mid + i), _mm256_permute2x128_si256(a, b, 0x20));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(mid + i + 16),
                        _mm256_permute2x128_si256(a, b, 0x31));
  }
  // A 32-byte load would read past the source row: SSE2 for 16, then scalar.
  VerticalRgbSse2(mid, rows, w, taps, i, n);
}

// Output row `row`'s pixel x from its 4 bytes R G B junk: the junk lands on
// pixel x + 1's R, written after it, except at the row's end.
inline void StoreRgb(uint8_t* row, int x, int out_w, int32_t rgbx) {
  if (x + 1 < out_w) {
    std::memcpy(row + static_cast<size_t>(x) * 3, &rgbx, 4);  // one store
  } else {
    std::memcpy(row + static_cast<size_t>(x) * 3, &rgbx, 3);
  }
}

// 2 * V output rows (V = 1 or 2): one weight broadcast serves them all, and
// the per-pixel bookkeeping (tap range, loop, pack) is shared by 2 * V rows.
template <int V>
__attribute__((target("avx2"))) void HorizontalRgbAvx2(uint8_t* const* out, int16_t* const* mid,
                                                       size_t span_px, const FixedTaps& tx,
                                                       int out_w) {
  // pairs[j * V + v] = the SSE2 code's pair j of row 2v (low half), then of
  // row 2v + 1. One 16-byte load at pixel j holds R G B R' G' B' R'' G'' (it
  // stays inside the row's zero padding), one byte shuffle makes
  // (R R') (G G') (B B') (R' R'').
  __m256i* pairs = reinterpret_cast<__m256i*>(PairsAvx2Of(mid[0], span_px));
  const __m256i order = _mm256_setr_epi8(0, 1, 6, 7, 2, 3, 8, 9, 4, 5, 10, 11, 6, 7, 12, 13,  //
                                         0, 1, 6, 7, 2, 3, 8, 9, 4, 5, 10, 11, 6, 7, 12, 13);
  for (size_t j = 0; j < span_px; ++j) {
    for (int v = 0; v < V; ++v) {
      const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(mid[2 * v] + j * 3));
      const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(mid[2 * v + 1] + j * 3));
      _mm256_store_si256(pairs + j * V + v, _mm256_shuffle_epi8(_mm256_set_m128i(b, a), order));
    }
  }
  const __m256i zero = _mm256_setzero_si256();
  const __m256i round = _mm256_set1_epi32(1 << (kOutShift - 1));
  const int* __restrict first = tx.first.data();
  const int* __restrict count = tx.count.data();
  const int16_t* __restrict w = tx.weights.data();
  const size_t stride = static_cast<size_t>(tx.stride);
  const int lo = tx.lo;
  uint8_t* row[2 * V];
  for (int r = 0; r < 2 * V; ++r) row[r] = out[r];
  for (int x = 0; x < out_w; ++x, w += stride) {
    const __m256i* p = pairs + static_cast<size_t>(first[x] - lo) * V;
    const int n = count[x];
    // Two independent sums per vector: one chain would wait on vpaddd.
    __m256i s[V], t[V];
    for (int v = 0; v < V; ++v) s[v] = t[v] = zero;
    int k = 0;
    for (; k + 4 <= n; k += 4) {
      const __m256i w0 = WeightPair2(w + k), w1 = WeightPair2(w + k + 2);
      for (int v = 0; v < V; ++v) {
        s[v] = _mm256_add_epi32(s[v], _mm256_madd_epi16(_mm256_load_si256(p + k * V + v), w0));
        t[v] =
            _mm256_add_epi32(t[v], _mm256_madd_epi16(_mm256_load_si256(p + (k + 2) * V + v), w1));
      }
    }
    for (; k < n; k += 2) {
      const __m256i w0 = WeightPair2(w + k);
      for (int v = 0; v < V; ++v) {
        s[v] = _mm256_add_epi32(s[v], _mm256_madd_epi16(_mm256_load_si256(p + k * V + v), w0));
      }
    }
    for (int v = 0; v < V; ++v) {
      s[v] = _mm256_srai_epi32(_mm256_add_epi32(_mm256_add_epi32(s[v], t[v]), round), kOutShift);
    }
    // Per 128-bit half, packs then packus (the scalar clamp to 0..255): the
    // low half's dwords 0 and 1 are rows 0 and 2, the high half's rows 1, 3.
    __m256i b = _mm256_packs_epi32(s[0], s[V - 1]);
    b = _mm256_packus_epi16(b, b);
    const __m128i b02 = _mm256_castsi256_si128(b), b13 = _mm256_extracti128_si256(b, 1);
    StoreRgb(row[0], x, out_w, _mm_cvtsi128_si32(b02));
    StoreRgb(row[1], x, out_w, _mm_cvtsi128_si32(b13));
    if (V == 2) {
      StoreRgb(row[2 % (2 * V)], x, out_w, _mm_extract_epi32(b02, 1));
      StoreRgb(row[3 % (2 * V)], x, out_w, _mm_extract_epi32(b13, 1));
    }
  }
}

#endif  // EDGEPIX_LANCZOS_AVX2

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
  return CpuHasAvx2();
#else
  return false;
#endif
}

void VerticalRgb(RowKernels k, int16_t* mid, const uint8_t* const* rows, const int16_t* w, int taps,
                 size_t n) {
#if EDGEPIX_LANCZOS_AVX2
  if (k == RowKernels::kBest && CpuHasAvx2()) return VerticalRgbAvx2(mid, rows, w, taps, n);
#endif
#if defined(__SSE2__)
  if (k != RowKernels::kPortable) return VerticalRgbSse2(mid, rows, w, taps, 0, n);
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
    if (rows - r >= 4) HorizontalRgbAvx2<2>(out + r, mid + r, span_px, tx, out_w), r += 4;
    if (rows - r >= 2) HorizontalRgbAvx2<1>(out + r, mid + r, span_px, tx, out_w), r += 2;
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
