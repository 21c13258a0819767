// The fixed-point Lanczos-3 resampler (lanczos.h, lanczos_taps.h,
// lanczos_rows.h): exact tap sums, identity, constants, edges, odd and 1-px
// sizes, alpha, +-1 of the float resampler it replaced, and the AVX2, the SSE2
// and the portable kernels giving the same bytes (whole resamples, and the
// vertical pass alone at every row length's tail).

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "image/lanczos.h"
#include "image/lanczos_rows.h"
#include "image/lanczos_taps.h"
#include "unit/image/lanczos_float_reference.h"

namespace ei = edgepix::image;

namespace {

struct Image {
  int w, h, c;
  std::vector<uint8_t> px;
  size_t stride() const { return size_t(w) * c; }
};

uint32_t Next(uint32_t& seed) {
  seed = seed * 1664525u + 1013904223u;
  return seed >> 8;
}

// Smooth shading + hard edges + noise, and (RGBA) alpha that is fully
// transparent, partial and opaque in places.
Image Random(int w, int h, int c, uint32_t seed) {
  Image im{w, h, c, std::vector<uint8_t>(size_t(w) * h * c)};
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      uint8_t* p = &im.px[(size_t(y) * w + x) * c];
      const double v = 128 + 90 * std::sin(x * 0.05) * std::cos(y * 0.07);
      const bool edge = ((x / 7) + (y / 5)) % 3 == 0;
      for (int k = 0; k < 3; ++k) {
        p[k] = uint8_t(
            std::clamp(v + (edge ? 80 : -60) + int(Next(seed) % 31) - 15 + k * 9, 0.0, 255.0));
      }
      if (c == 4) {
        const int band = (x * 3 + y) % 40;
        p[3] = band < 10 ? 0 : band < 20 ? uint8_t(Next(seed) % 256) : 255;
      }
    }
  }
  return im;
}

Image Extremes(int w, int h, int c, uint32_t seed) {  // 0/255 only: worst ringing
  Image im{w, h, c, std::vector<uint8_t>(size_t(w) * h * c)};
  for (auto& b : im.px) b = (Next(seed) & 1) ? 255 : 0;
  return im;
}

ei::PixelBuffer Resample(const Image& im, ei::SourceWindow win, int ow, int oh,
                         ei::RowKernels k = ei::RowKernels::kBest) {
  auto r = ei::Lanczos3Resample(im.px.data(), im.stride(), im.w, im.h, im.c, win, ow, oh, k);
  REQUIRE(r.ok());
  return std::move(*r);
}

ei::PixelBuffer Reference(const Image& im, ei::SourceWindow win, int ow, int oh) {
  auto r = ei::reference::Lanczos3ResampleFloat(im.px.data(), im.stride(), im.w, im.h, im.c, win,
                                                ow, oh);
  REQUIRE(r.ok());
  return std::move(*r);
}

ei::SourceWindow Whole(const Image& im) { return {0, 0, double(im.w), double(im.h)}; }

int MaxDiff(const ei::PixelBuffer& a, const ei::PixelBuffer& b) {
  REQUIRE(a.size() == b.size());
  int d = 0;
  for (size_t i = 0; i < a.size(); ++i) d = std::max(d, std::abs(a.pixels()[i] - b.pixels()[i]));
  return d;
}

// RGBA: alpha within `tol` everywhere; colour where the alpha of both is at
// least min_alpha (below, the colour is sum(w a c) / sum(w a) with a tiny
// denominator: ill-conditioned, and invisible once composited).
int MaxDiffRgba(const ei::PixelBuffer& a, const ei::PixelBuffer& b, int min_alpha) {
  REQUIRE(a.size() == b.size());
  int d = 0;
  for (size_t i = 0; i < a.size(); i += 4) {
    const uint8_t* p = a.pixels() + i;
    const uint8_t* q = b.pixels() + i;
    d = std::max(d, std::abs(p[3] - q[3]));
    if (std::min(p[3], q[3]) < min_alpha) continue;
    for (int c = 0; c < 3; ++c) d = std::max(d, std::abs(p[c] - q[c]));
  }
  return d;
}

bool SameBytes(const ei::PixelBuffer& a, const ei::PixelBuffer& b) {
  return a.size() == b.size() && std::memcmp(a.pixels(), b.pixels(), a.size()) == 0;
}

struct Case {
  int sw, sh, ow, oh;
};

// The pipeline's ratios (2x..4x after the box shrink, odd sizes, crops) and
// the awkward ones: 1 px, upscales, no reduction on one axis.
const std::vector<Case> kCases = {
    {640, 480, 150, 150}, {1001, 777, 333, 259}, {517, 389, 256, 97}, {300, 200, 300, 100},
    {97, 61, 13, 29},     {64, 64, 64, 64},      {1, 1, 1, 1},        {1, 57, 1, 9},
    {57, 1, 9, 1},        {33, 17, 1, 1},        {5, 3, 11, 7},       {17, 23, 16, 22},
    {2, 2, 1, 1},         {31, 2, 7, 2},         {257, 129, 64, 33},  {40, 40, 39, 13},
};

}  // namespace

TEST_CASE("lanczos fixed: every output's Q14 weights sum to exactly 1 << 14", "[lanczos]") {
  for (int src : {1, 2, 3, 7, 64, 333, 1280, 4000}) {
    for (int out : {1, 2, 5, 150, 640, 2048}) {
      if (out > 4 * src) continue;
      for (double crop : {1.0, 0.77}) {
        const double len = src * crop, start = (src - len) / 2;
        const auto t = ei::MakeFixedTaps(src, start, len, out);
        INFO("src " << src << " out " << out << " crop " << crop);
        REQUIRE(t.stride % 2 == 0);
        REQUIRE(t.lo >= 0);
        REQUIRE(t.hi <= src);
        double max_abs_sum = 0;
        for (int i = 0; i < out; ++i) {
          const int16_t* w = &t.weights[size_t(i) * t.stride];
          const int n = t.count[size_t(i)];
          REQUIRE(n >= 1);
          REQUIRE(n <= t.stride);
          REQUIRE(t.first[size_t(i)] >= t.lo);
          REQUIRE(t.first[size_t(i)] + n <= t.hi);
          int32_t sum = 0;
          double abs_sum = 0;
          for (int k = 0; k < n; ++k) sum += w[k], abs_sum += std::abs(w[k]);
          REQUIRE(sum == ei::kTapOne);
          for (int k = n; k < t.stride; ++k) REQUIRE(w[k] == 0);  // read in pairs
          max_abs_sum = std::max(max_abs_sum, abs_sum / ei::kTapOne);
        }
        // The int16 intermediate holds 255 * 64 * this (lanczos_rows.h):
        // < 2 keeps it below 32768. Upscales reach ~1.54, reductions less.
        CHECK(max_abs_sum < 2.0);
      }
    }
  }
}

TEST_CASE("lanczos fixed: a resize to the same size returns the input", "[lanczos]") {
  for (int c : {3, 4}) {
    for (auto [w, h] : {std::pair{1, 1}, {37, 23}, {200, 3}}) {
      Image im = Random(w, h, c, 7);
      if (c == 4) {
        for (size_t i = 3; i < im.px.size(); i += 4) im.px[i] = 255;  // no premultiply loss
      }
      for (auto k : {ei::RowKernels::kBest, ei::RowKernels::kSse2, ei::RowKernels::kPortable}) {
        const auto out = Resample(im, Whole(im), w, h, k);
        INFO("c " << c << " " << w << "x" << h);
        REQUIRE(std::memcmp(out.pixels(), im.px.data(), im.px.size()) == 0);
      }
    }
  }
}

TEST_CASE("lanczos fixed: a constant image stays exactly constant", "[lanczos]") {
  for (const auto& cs : kCases) {
    for (int c : {3, 4}) {
      for (uint8_t v : {uint8_t{0}, uint8_t{1}, uint8_t{128}, uint8_t{254}, uint8_t{255}}) {
        Image im{cs.sw, cs.sh, c, std::vector<uint8_t>(size_t(cs.sw) * cs.sh * c, v)};
        if (c == 4) {
          for (size_t i = 3; i < im.px.size(); i += 4) im.px[i] = 200;
        }
        for (auto k : {ei::RowKernels::kBest, ei::RowKernels::kSse2, ei::RowKernels::kPortable}) {
          const auto out = Resample(im, Whole(im), cs.ow, cs.oh, k);
          INFO(cs.sw << "x" << cs.sh << " -> " << cs.ow << "x" << cs.oh << " c " << c << " v "
                     << int(v));
          size_t wrong = 0;  // one REQUIRE per image: Catch's per-call cost adds up
          for (size_t i = 0; i < out.size(); ++i) {
            wrong += int(out.pixels()[i]) != (c == 4 && i % 4 == 3 ? 200 : v);
          }
          REQUIRE(wrong == 0);
        }
      }
    }
  }
}

TEST_CASE("lanczos fixed: edges extend the border pixels and overshoot clamps", "[lanczos]") {
  // A border band of 200 wider than the kernel reaches: outputs at the edge
  // read only it (taps past the edge fold onto the edge pixel) and stay 200.
  Image im = Random(120, 90, 3, 3);
  for (int y = 0; y < im.h; ++y) {
    for (int x = 0; x < im.w; ++x) {
      if (x < 12 || y < 12 || x >= im.w - 12 || y >= im.h - 12) {
        std::memset(&im.px[(size_t(y) * im.w + x) * 3], 200, 3);
      }
    }
  }
  for (auto k : {ei::RowKernels::kBest, ei::RowKernels::kSse2, ei::RowKernels::kPortable}) {
    const auto out = Resample(im, Whole(im), 60, 45, k);
    for (int y : {0, 1, 43, 44}) {
      for (int x = 0; x < 60; ++x) {
        for (int ch = 0; ch < 3; ++ch) REQUIRE(int(out.row(y)[x * 3 + ch]) == 200);
      }
    }
    for (int y = 0; y < 45; ++y) {
      for (int x : {0, 1, 58, 59}) REQUIRE(int(out.row(y)[x * 3]) == 200);
    }
  }
  // A hard 0 | 255 step rings past both ends: the result saturates to 0 and
  // 255 (a wrap-around would put 0 next to 255), as the float code does.
  Image step{64, 8, 3, std::vector<uint8_t>(64 * 8 * 3)};
  for (int y = 0; y < 8; ++y) {
    for (int x = 32; x < 64; ++x) std::memset(&step.px[(size_t(y) * 64 + x) * 3], 255, 3);
  }
  for (int ow : {64, 30, 21}) {
    for (auto k : {ei::RowKernels::kBest, ei::RowKernels::kSse2, ei::RowKernels::kPortable}) {
      const auto out = Resample(step, Whole(step), ow, 8, k);
      REQUIRE(MaxDiff(out, Reference(step, Whole(step), ow, 8)) <= 1);
      for (int x = 0; x < ow / 4; ++x) REQUIRE(int(out.row(4)[x * 3]) <= 1);
      for (int x = ow - ow / 4; x < ow; ++x) REQUIRE(int(out.row(4)[x * 3]) >= 254);
    }
  }
}

TEST_CASE("lanczos fixed: odd and 1-px sizes and crops stay within 1 of the float resampler",
          "[lanczos]") {
  for (const auto& cs : kCases) {
    for (int c : {3, 4}) {
      const Image im = Random(cs.sw, cs.sh, c, uint32_t(cs.sw * 31 + cs.sh + c));
      std::vector<ei::SourceWindow> wins = {Whole(im)};
      if (cs.sw > 2 && cs.sh > 2) {  // a centred crop, not on pixel boundaries
        const double cw = cs.sw * 0.713, ch = cs.sh * 0.831;
        wins.push_back({(cs.sw - cw) / 2, (cs.sh - ch) / 2, cw, ch});
      }
      for (const auto& win : wins) {
        const auto ref = Reference(im, win, cs.ow, cs.oh);
        const auto fast = Resample(im, win, cs.ow, cs.oh, ei::RowKernels::kBest);
        const auto sse2 = Resample(im, win, cs.ow, cs.oh, ei::RowKernels::kSse2);
        const auto portable = Resample(im, win, cs.ow, cs.oh, ei::RowKernels::kPortable);
        INFO(cs.sw << "x" << cs.sh << " -> " << cs.ow << "x" << cs.oh << " c " << c << " window "
                   << win.x0 << "," << win.y0 << " " << win.width << "x" << win.height);
        // RGBA: below alpha 8 the float code's own rounding moves the colour
        // by up to 5 (measured over these cases), at alpha 0.5 the choice of
        // transparent-or-not: 255.
        REQUIRE((c == 3 ? MaxDiff(fast, ref) : MaxDiffRgba(fast, ref, 8)) <= 1);
        REQUIRE(SameBytes(fast, portable));
        REQUIRE(SameBytes(sse2, portable));
      }
    }
  }
}

TEST_CASE("lanczos fixed: transparent pixels' colour does not bleed into visible ones",
          "[lanczos]") {
  // Left half opaque red, right half fully transparent green.
  Image im{40, 10, 4, std::vector<uint8_t>(40 * 10 * 4)};
  for (int y = 0; y < 10; ++y) {
    for (int x = 0; x < 40; ++x) {
      uint8_t* p = &im.px[(size_t(y) * 40 + x) * 4];
      if (x < 20) {
        p[0] = 255, p[1] = 0, p[2] = 0, p[3] = 255;
      } else {
        p[0] = 0, p[1] = 255, p[2] = 0, p[3] = 0;
      }
    }
  }
  const auto out = Resample(im, Whole(im), 13, 5);
  REQUIRE(MaxDiffRgba(out, Reference(im, Whole(im), 13, 5), 8) <= 1);
  for (int y = 0; y < 5; ++y) {
    for (int x = 0; x < 13; ++x) {
      const uint8_t* p = out.row(y) + x * 4;
      if (p[3] == 0) {
        REQUIRE((p[0] == 0 && p[1] == 0 && p[2] == 0));  // nothing to keep
      } else {
        REQUIRE(int(p[0]) == 255);
        REQUIRE(int(p[1]) == 0);
      }
    }
  }
}

TEST_CASE("lanczos fixed: the SSE2 and the portable kernels give the same bytes", "[lanczos]") {
  // Where SSE2 is absent both names run the portable code and this is trivial;
  // on x86-64 it checks the SSE2 code against the scalar one, saturation at
  // both ends (0/255 noise rings the most) and every tail length of a row.
  INFO("SSE2 kernels: " << ei::RowKernelsHaveSse2());
  uint32_t seed = 99;
  for (int i = 0; i < 60; ++i) {
    const int sw = 1 + int(Next(seed) % 300), sh = 1 + int(Next(seed) % 200);
    const int ow = 1 + int(Next(seed) % uint32_t(sw + 5)), oh = 1 + int(Next(seed) % uint32_t(sh));
    const Image im = i % 2 ? Extremes(sw, sh, 3, seed) : Random(sw, sh, 3, seed);
    const double fx = 0.5 + (Next(seed) % 1000) / 2000.0, fy = 0.5 + (Next(seed) % 1000) / 2000.0;
    const ei::SourceWindow win{sw * (1 - fx) / 2, sh * (1 - fy) / 2, sw * fx, sh * fy};
    INFO(sw << "x" << sh << " -> " << ow << "x" << oh);
    REQUIRE(SameBytes(Resample(im, win, ow, oh, ei::RowKernels::kSse2),
                      Resample(im, win, ow, oh, ei::RowKernels::kPortable)));
  }
}

TEST_CASE("lanczos fixed: the AVX2 and the portable kernels give the same bytes", "[lanczos]") {
  // kBest is the AVX2 code where the CPU has it (vertical pass 32 bytes at a
  // time; horizontal pass four, two, then one output rows a call); elsewhere
  // this compares SSE2 or the portable code with itself. Odd and 1-px sizes,
  // large reductions (many taps a row), upscales, crops, 0/255 noise
  // (saturation both ends).
  INFO("AVX2 kernels: " << ei::RowKernelsHaveAvx2());
  struct Size {
    int sw, sh, ow, oh;
  };
  std::vector<Size> sizes = {
      {1, 1, 1, 1},    {1, 2, 1, 2},     {2, 1, 1, 1},     {1, 9, 1, 3},        {9, 1, 3, 1},
      {3, 3, 7, 5},    {5, 4, 301, 203}, {7, 7, 2, 2},     {640, 3, 17, 1},     {1000, 9, 7, 4},
      {2001, 5, 3, 2}, {33, 33, 33, 33}, {99, 37, 98, 36}, {301, 203, 150, 101}};
  uint32_t seed = 7;
  for (int i = 0; i < 60; ++i) {
    const int sw = 1 + int(Next(seed) % 400), sh = 1 + int(Next(seed) % 60);
    sizes.push_back({sw, sh, 1 + int(Next(seed) % uint32_t(2 * sw)), 1 + int(Next(seed) % 40)});
  }
  for (size_t i = 0; i < sizes.size(); ++i) {
    const auto [sw, sh, ow, oh] = sizes[i];
    const Image im = i % 2 ? Extremes(sw, sh, 3, seed) : Random(sw, sh, 3, seed);
    std::vector<ei::SourceWindow> wins = {Whole(im)};
    const double fx = 0.5 + (Next(seed) % 1000) / 2000.0, fy = 0.5 + (Next(seed) % 1000) / 2000.0;
    wins.push_back({sw * (1 - fx) / 2, sh * (1 - fy) / 2, sw * fx, sh * fy});
    for (const auto& win : wins) {
      INFO(sw << "x" << sh << " -> " << ow << "x" << oh << " window " << win.x0 << "," << win.y0
              << " " << win.width << "x" << win.height);
      REQUIRE(SameBytes(Resample(im, win, ow, oh, ei::RowKernels::kBest),
                        Resample(im, win, ow, oh, ei::RowKernels::kPortable)));
    }
  }
}

TEST_CASE("lanczos fixed: the vertical pass's kernels give the same int16s, every tail length",
          "[lanczos]") {
  // VerticalRgb alone: every row length 1..200 (every remainder mod 32, after
  // the AVX2 code's 32-byte and the SSE2 code's 16-byte steps), 1 to 2001
  // taps (odd counts pair the last tap with a zero weight), 0/255 and random
  // bytes, weights up to saturation at both ends of int16. Each source row
  // is its own allocation of exactly n bytes (sanitizers see over-reads), and
  // mid's words past n must stay untouched.
  INFO("AVX2 kernels: " << ei::RowKernelsHaveAvx2() << ", SSE2: " << ei::RowKernelsHaveSse2());
  uint32_t seed = 5;
  for (int taps : {1, 2, 3, 6, 7, 13, 162, 2001}) {
    for (size_t n = 1; n <= 200; ++n) {
      std::vector<std::vector<uint8_t>> src(static_cast<size_t>(taps), std::vector<uint8_t>(n));
      std::vector<const uint8_t*> rows;
      for (auto& r : src) {
        for (auto& b : r) b = n % 2 ? ((Next(seed) & 1) ? 255 : 0) : uint8_t(Next(seed));
        rows.push_back(r.data());
      }
      // |sum| stays below 2^31 (the scalar code's int32), yet small tap
      // counts reach past int16 after the shift (the clamp).
      const int32_t limit = std::min<int32_t>(32767, int32_t(2000000000 / (255 * taps)));
      std::vector<int16_t> w(size_t(taps + 1), 0);  // read in pairs: w[taps] is 0
      for (int k = 0; k < taps; ++k) {
        w[size_t(k)] = int16_t(int32_t(Next(seed) % uint32_t(2 * limit + 1)) - limit);
      }
      if (n % 3 == 0) {  // plausible Q14 weights too
        for (int k = 0; k < taps; ++k) w[size_t(k)] = int16_t(ei::kTapOne / taps);
      }
      std::vector<int16_t> want(n + 40, 0x5a5a), best(n + 40, 0x5a5a), sse2(n + 40, 0x5a5a);
      ei::VerticalRgb(ei::RowKernels::kPortable, want.data(), rows.data(), w.data(), taps, n);
      ei::VerticalRgb(ei::RowKernels::kBest, best.data(), rows.data(), w.data(), taps, n);
      ei::VerticalRgb(ei::RowKernels::kSse2, sse2.data(), rows.data(), w.data(), taps, n);
      INFO("taps " << taps << " n " << n);
      REQUIRE(best == want);
      REQUIRE(sse2 == want);
    }
  }
}
