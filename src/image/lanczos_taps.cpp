// The kernel is evaluated in double, normalised, then rounded to Q14; the
// rounding residue goes to the largest tap so the sum is exact (the pillow-simd
// and libvips way): a residue spread over the edge taps would tilt flat areas.

#include "image/lanczos_taps.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace edgepix::image {
namespace {

constexpr double kPi = 3.14159265358979323846;

double Lanczos3(double x) {
  x = std::fabs(x);
  if (x < 1e-9) return 1.0;
  if (x >= 3.0) return 0.0;
  return 3.0 * std::sin(kPi * x) * std::sin(kPi * x / 3.0) / (kPi * kPi * x * x);
}

}  // namespace

FixedTaps MakeFixedTaps(int src_n, double start, double len, int out_n) {
  const double scale = len / out_n;  // source samples per output sample
  const double fscale = std::max(1.0, scale);
  const double support = 3.0 * fscale;
  FixedTaps t;
  t.stride = std::min(src_n, static_cast<int>(std::ceil(2 * support)) + 3);
  t.stride += t.stride & 1;
  t.first.resize(static_cast<size_t>(out_n));
  t.count.resize(static_cast<size_t>(out_n));
  t.weights.assign(static_cast<size_t>(out_n) * static_cast<size_t>(t.stride), 0);
  t.lo = src_n;
  std::vector<double> w;
  std::vector<int32_t> q;
  for (int i = 0; i < out_n; ++i) {
    const double centre = start + (i + 0.5) * scale;
    const int lo = static_cast<int>(std::floor(centre - support));
    const int hi = static_cast<int>(std::ceil(centre + support));
    const int first = std::clamp(lo, 0, src_n - 1);
    const int last = std::clamp(hi, 0, src_n - 1);
    w.assign(static_cast<size_t>(last - first + 1), 0.0);
    double sum = 0;
    for (int j = lo; j <= hi; ++j) {
      const double v = Lanczos3((j + 0.5 - centre) / fscale);
      w[static_cast<size_t>(std::clamp(j, 0, src_n - 1) - first)] += v;
      sum += v;
    }
    // Trim taps that carry no weight (the kernel's zeros at the window ends).
    size_t b = 0, e = w.size();
    while (e - b > 1 && std::fabs(w[b]) < 1e-7) ++b;
    while (e - b > 1 && std::fabs(w[e - 1]) < 1e-7) --e;
    const int n = static_cast<int>(e - b);
    q.resize(static_cast<size_t>(n));
    int32_t qsum = 0;
    size_t largest = 0;
    for (size_t k = 0; k < q.size(); ++k) {
      q[k] = static_cast<int32_t>(std::lround(w[b + k] / sum * kTapOne));
      qsum += q[k];
      if (std::abs(q[k]) > std::abs(q[largest])) largest = k;
    }
    q[largest] += kTapOne - qsum;
    t.first[static_cast<size_t>(i)] = first + static_cast<int>(b);
    t.count[static_cast<size_t>(i)] = n;
    int16_t* dst = &t.weights[static_cast<size_t>(i) * static_cast<size_t>(t.stride)];
    // |q| <= ~1.2 * kTapOne for this kernel (its positive lobes), well inside int16.
    for (int k = 0; k < n; ++k) dst[k] = static_cast<int16_t>(q[static_cast<size_t>(k)]);
    t.lo = std::min(t.lo, t.first[static_cast<size_t>(i)]);
    t.hi = std::max(t.hi, t.first[static_cast<size_t>(i)] + n);
  }
  return t;
}

}  // namespace edgepix::image
