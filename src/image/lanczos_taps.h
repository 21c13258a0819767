// Lanczos-3 tap tables in fixed point, one per axis of a resample.
//
// For each output sample along one axis: the first source index it reads and
// its weights in Q14 (1.0 = 1 << 14), which sum to exactly 1 << 14, so a
// constant input stays constant after rounding. The kernel is widened by the
// reduction ratio (anti-aliased, as libvips' reduce does); taps that fall
// outside [0, src_n) are folded onto the edge pixel (edge extension), so every
// output's taps are one contiguous run of source samples. Built once per
// (source window, output size) and shared by every row or column of it.
#pragma once

#include <cstdint>
#include <vector>

namespace edgepix::image {

inline constexpr int kTapBits = 14;
inline constexpr int32_t kTapOne = 1 << kTapBits;

struct FixedTaps {
  std::vector<int> first;  // first source index of each output
  std::vector<int> count;  // taps of each output (>= 1)
  // count[i] weights of output i at weights[i * stride]; the slots after them
  // are zero up to the next even index, so kernels may read taps in pairs.
  std::vector<int16_t> weights;
  int stride = 0;      // even
  int lo = 0, hi = 0;  // every source index any output reads: [lo, hi)
};

// `len` source samples starting at `start` (continuous coordinates: sample j
// covers [j, j + 1)) resampled to out_n; start and len must lie in [0, src_n].
FixedTaps MakeFixedTaps(int src_n, double start, double len, int out_n);

}  // namespace edgepix::image
