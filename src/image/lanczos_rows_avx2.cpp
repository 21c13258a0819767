// The AVX2 passes (see lanczos_rows_x86.h). Vertical: the SSE2 code's
// layout, 32 bytes at a time. Horizontal: the same pairs, row y's in the low
// 128 bits and row y + 1's in the high 128, four rows at a time, so one weight
// broadcast serves four rows and one load and vpmaddwd do two rows' work.
// Every function here carries target("avx2") instead of the file being built
// with -mavx2: the compiler may then use AVX2 only where the dispatch in
// lanczos_rows.cpp has checked the CPU, and the binary still runs on x86-64
// without it.

#include "image/lanczos_rows_x86.h"

#if EDGEPIX_LANCZOS_AVX2

#include <immintrin.h>

#include <cstring>

namespace edgepix::image::rows_x86 {
namespace {

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
__attribute__((target("avx2"))) void VerticalRgbAvx2Impl(int16_t* mid, const uint8_t* const* rows,
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

}  // namespace

bool CpuHasAvx2() {
  static const bool has = __builtin_cpu_supports("avx2");
  return has;
}

void VerticalRgbAvx2(int16_t* mid, const uint8_t* const* rows, const int16_t* w, int taps,
                     size_t n) {
  VerticalRgbAvx2Impl(mid, rows, w, taps, n);
}

void HorizontalRgbAvx2Rows4(uint8_t* const* out, int16_t* const* mid, size_t span_px,
                            const FixedTaps& tx, int out_w) {
  HorizontalRgbAvx2<2>(out, mid, span_px, tx, out_w);
}

void HorizontalRgbAvx2Rows2(uint8_t* const* out, int16_t* const* mid, size_t span_px,
                            const FixedTaps& tx, int out_w) {
  HorizontalRgbAvx2<1>(out, mid, span_px, tx, out_w);
}

}  // namespace edgepix::image::rows_x86

#endif  // EDGEPIX_LANCZOS_AVX2
