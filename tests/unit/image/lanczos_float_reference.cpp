// The float resampler as it was in src/image/lanczos.cpp at a306329.

#include "unit/image/lanczos_float_reference.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

namespace edgepix::image::reference {
namespace {

constexpr double kPi = 3.14159265358979323846;

double Lanczos3(double x) {
  x = std::fabs(x);
  if (x < 1e-9) return 1.0;
  if (x >= 3.0) return 0.0;
  return 3.0 * std::sin(kPi * x) * std::sin(kPi * x / 3.0) / (kPi * kPi * x * x);
}

// For each output sample: its first source index and `count` weights, stored
// `stride` apart in `weights`.
struct Taps {
  std::vector<int> first;
  std::vector<int> count;
  std::vector<float> weights;
  int stride = 0;
  int lo = 0, hi = 0;  // every source index any output reads: [lo, hi)
};

Taps MakeTaps(int src_n, double start, double len, int out_n) {
  const double scale = len / out_n;  // source pixels per output pixel
  const double fscale = std::max(1.0, scale);
  const double support = 3.0 * fscale;
  Taps t;
  t.stride = std::min(src_n, static_cast<int>(std::ceil(2 * support)) + 3);
  t.first.resize(static_cast<size_t>(out_n));
  t.count.resize(static_cast<size_t>(out_n));
  t.weights.assign(static_cast<size_t>(out_n) * t.stride, 0.0f);
  t.lo = src_n;
  std::vector<double> w;
  for (int i = 0; i < out_n; ++i) {
    const double centre = start + (i + 0.5) * scale;
    const int lo = static_cast<int>(std::floor(centre - support));
    const int hi = static_cast<int>(std::ceil(centre + support));
    // Edge extension: taps outside [0, src_n) land on the nearest edge pixel.
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
    t.first[static_cast<size_t>(i)] = first + static_cast<int>(b);
    t.count[static_cast<size_t>(i)] = n;
    float* dst = &t.weights[static_cast<size_t>(i) * t.stride];
    for (int k = 0; k < n; ++k) dst[k] = static_cast<float>(w[b + static_cast<size_t>(k)] / sum);
    t.lo = std::min(t.lo, t.first[static_cast<size_t>(i)]);
    t.hi = std::max(t.hi, t.first[static_cast<size_t>(i)] + n);
  }
  return t;
}

// Rounded and clamped without branches (min/max instructions).
uint8_t ToByte(float v) {
  return static_cast<uint8_t>(static_cast<int>(std::min(std::max(v + 0.5f, 0.0f), 255.0f)));
}

// acc[0, n) += sum over taps of w[k] * rows[k][0, n): the vertical pass's
// inner loop (RGB), four source rows at a time so acc is read and written
// once per four taps.
void AccumulateRows(float* __restrict acc, const uint8_t* const* rows, const float* w, int taps,
                    size_t n) {
  int k = 0;
  for (; k + 4 <= taps; k += 4) {
    const uint8_t* __restrict r0 = rows[k];
    const uint8_t* __restrict r1 = rows[k + 1];
    const uint8_t* __restrict r2 = rows[k + 2];
    const uint8_t* __restrict r3 = rows[k + 3];
    const float w0 = w[k], w1 = w[k + 1], w2 = w[k + 2], w3 = w[k + 3];
    for (size_t i = 0; i < n; ++i) {
      acc[i] += w0 * static_cast<float>(r0[i]) + w1 * static_cast<float>(r1[i]) +
                w2 * static_cast<float>(r2[i]) + w3 * static_cast<float>(r3[i]);
    }
  }
  for (; k < taps; ++k) {
    const uint8_t* __restrict r = rows[k];
    const float wk = w[k];
    for (size_t i = 0; i < n; ++i) acc[i] += wk * static_cast<float>(r[i]);
  }
}

// The same for RGBA, colour weighted by alpha (premultiplied, alpha in 0..1).
void AccumulateRowPremultiplied(float* __restrict acc, const uint8_t* __restrict row, size_t px,
                                float w) {
  for (size_t i = 0; i < px; ++i) {
    const uint8_t* p = row + i * 4;
    const float a = static_cast<float>(p[3]);
    const float wa = w * a * (1.0f / 255.0f);
    float* d = acc + i * 4;
    d[0] += wa * p[0];
    d[1] += wa * p[1];
    d[2] += wa * p[2];
    d[3] += w * a;
  }
}

// Four lanes: a pixel's RGB(A) in one vector operation per tap (for RGB the
// fourth lane reads the next pixel's red and is ignored; the row has one
// float of padding for the last pixel).
typedef float V4 __attribute__((vector_size(16)));

template <int C>
void Horizontal(const float* __restrict acc, const Taps& tx, int out_w, uint8_t* __restrict out) {
  for (int x = 0; x < out_w; ++x) {
    const float* p = acc + static_cast<size_t>(tx.first[static_cast<size_t>(x)] - tx.lo) * C;
    const float* w = &tx.weights[static_cast<size_t>(x) * tx.stride];
    const int n = tx.count[static_cast<size_t>(x)];
    // Four independent sums: one chain of dependent adds would wait on the
    // adder's latency at every tap.
    V4 s0 = {0, 0, 0, 0}, s1 = s0, s2 = s0, s3 = s0;
    auto load = [&](int k) {
      V4 v;
      std::memcpy(&v, p + static_cast<size_t>(k) * C, sizeof v);
      return v;
    };
    int k = 0;
    for (; k + 4 <= n; k += 4) {
      s0 += w[k] * load(k);
      s1 += w[k + 1] * load(k + 1);
      s2 += w[k + 2] * load(k + 2);
      s3 += w[k + 3] * load(k + 3);
    }
    for (; k < n; ++k) s0 += w[k] * load(k);
    const V4 s = (s0 + s1) + (s2 + s3);
    uint8_t* d = out + static_cast<size_t>(x) * C;
    if constexpr (C == 4) {
      // Back from premultiplied: colour = sum(w a c) / sum(w a).
      const float a = s[3];
      if (a < 0.5f) {
        d[0] = d[1] = d[2] = d[3] = 0;
        continue;
      }
      const float inv = 1.0f / (a * (1.0f / 255.0f));
      for (int c = 0; c < 3; ++c) d[c] = ToByte(s[c] * inv);
      d[3] = ToByte(a);
    } else {
      for (int c = 0; c < C; ++c) d[c] = ToByte(s[c]);
    }
  }
}

}  // namespace

Result<PixelBuffer> Lanczos3ResampleFloat(const uint8_t* src, size_t stride, int src_w, int src_h,
                                          int channels, const SourceWindow& win, int out_w,
                                          int out_h) {
  if (channels != 3 && channels != 4) {
    return Status::Error(ErrorCode::kInternal, "resample: 3 or 4 channels expected");
  }
  if (src_w < 1 || src_h < 1 || out_w < 1 || out_h < 1 || !(win.width > 0) || !(win.height > 0)) {
    return Status::Error(ErrorCode::kInternal, "resample: empty image or window");
  }
  EDGEPIX_ASSIGN_OR_RETURN(auto dst, PixelBuffer::Allocate(out_w, out_h, channels));
  const Taps tx = MakeTaps(src_w, win.x0, win.width, out_w);
  const Taps ty = MakeTaps(src_h, win.y0, win.height, out_h);
  const size_t span_px = static_cast<size_t>(tx.hi - tx.lo);
  const size_t span = span_px * static_cast<size_t>(channels);
  std::vector<float> acc(span + 1);  // + 1: Horizontal's fourth lane past the last RGB pixel
  std::vector<const uint8_t*> rows;
  for (int y = 0; y < out_h; ++y) {
    std::fill(acc.begin(), acc.end(), 0.0f);
    const int first = ty.first[static_cast<size_t>(y)];
    const float* w = &ty.weights[static_cast<size_t>(y) * ty.stride];
    const int taps = ty.count[static_cast<size_t>(y)];
    rows.resize(static_cast<size_t>(taps));
    for (int k = 0; k < taps; ++k) {
      rows[static_cast<size_t>(k)] = src + static_cast<size_t>(first + k) * stride +
                                     static_cast<size_t>(tx.lo) * static_cast<size_t>(channels);
    }
    if (channels == 4) {
      for (int k = 0; k < taps; ++k) {
        AccumulateRowPremultiplied(acc.data(), rows[static_cast<size_t>(k)], span_px, w[k]);
      }
    } else {
      AccumulateRows(acc.data(), rows.data(), w, taps, span);
    }
    if (channels == 4) {
      Horizontal<4>(acc.data(), tx, out_w, dst.row(y));
    } else {
      Horizontal<3>(acc.data(), tx, out_w, dst.row(y));
    }
  }
  return dst;
}

}  // namespace edgepix::image::reference
