// The Lanczos-3 resampler's kernel time: the fixed-point one ("fixed": the
// best kernels, AVX2 passes where the CPU has it; "sse2"; and
// "portable") against the float one it replaced, on a 12 MP photo-like image,
// in one run so the ratios share the machine's state.
//
//   BUILD/tests/resize_bench [--reps N] [--only CASE/IMPL]   (EDGEPIX_TESTS=ON, Release)
//
// Cases: 4000x3000 -> 2048x1536 (the kernel straight from the full size, as
// the pipeline runs it for a reduction < 4x); 4000x3000 -> 150x113 (the
// kernel alone over 12 MP, a 27x reduction); 307x230 -> 150x150 cover (what
// the kernel does for a 150 px thumb once the pipeline's 13x box shrink has
// run). Per case and implementation: thread CPU time, min and median of N
// repetitions. --only runs one "case/impl" once, for instruction counts:
//   valgrind --tool=callgrind --toggle-collect='*Lanczos3Resample*'
//     build-rel/tests/resize_bench --only 2048/fixed     (one command line)
// Every fixed-point output is checked against the float one (max |diff|).

#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "image/lanczos.h"
#include "unit/image/lanczos_float_reference.h"

namespace ei = edgepix::image;

namespace {

double ThreadMs() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

struct Image {
  int w, h;
  std::vector<uint8_t> px;  // RGB
};

// Smooth shading, hard edges, fine texture and noise (as a photo has).
Image Photo(int w, int h) {
  Image im{w, h, std::vector<uint8_t>(size_t(w) * h * 3)};
  uint32_t seed = 1;
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      seed = seed * 1664525u + 1013904223u;
      double v = 110 + 60 * std::sin(x * 0.003) * std::cos(y * 0.004);
      if (((x / 97) + (y / 61)) % 4 == 0) v += 50;
      v += 20 * std::sin(x * 0.4 + y * 0.2) + double(seed >> 27) - 16;
      uint8_t* p = &im.px[(size_t(y) * w + x) * 3];
      for (int c = 0; c < 3; ++c) p[c] = uint8_t(std::clamp(v + c * 10, 0.0, 255.0));
    }
  }
  return im;
}

Image BoxShrink(const Image& in, int k) {
  Image out{in.w / k, in.h / k, {}};
  out.px.resize(size_t(out.w) * out.h * 3);
  for (int y = 0; y < out.h; ++y) {
    for (int x = 0; x < out.w; ++x) {
      for (int c = 0; c < 3; ++c) {
        uint32_t s = 0;
        for (int j = 0; j < k; ++j) {
          for (int i = 0; i < k; ++i) s += in.px[(size_t(y * k + j) * in.w + x * k + i) * 3 + c];
        }
        out.px[(size_t(y) * out.w + x) * 3 + c] = uint8_t((s + k * k / 2) / (k * k));
      }
    }
  }
  return out;
}

struct Case {
  std::string name;
  const Image* src;
  ei::SourceWindow win;
  int ow, oh;
};

using Impl = std::function<edgepix::Result<ei::PixelBuffer>(const Case&)>;

}  // namespace

int main(int argc, char** argv) {
  int reps = 7;
  std::string only;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--reps") && i + 1 < argc) {
      reps = std::atoi(argv[++i]);
    } else if (!std::strcmp(argv[i], "--only") && i + 1 < argc) {
      only = argv[++i];
    } else {
      std::fprintf(stderr, "usage: resize_bench [--reps N] [--only CASE/IMPL]\n");
      return 2;
    }
  }
  const Image big = Photo(4000, 3000);
  const Image shrunk = BoxShrink(big, 13);                 // 307x230
  const double cw = std::min<double>(shrunk.w, shrunk.h);  // cover 150x150: centred square
  const std::vector<Case> cases = {
      {"2048", &big, {0, 0, 4000, 3000}, 2048, 1536},
      {"150-direct", &big, {0, 0, 4000, 3000}, 150, 113},
      {"150-cover", &shrunk, {(shrunk.w - cw) / 2, (shrunk.h - cw) / 2, cw, cw}, 150, 150},
  };
  const std::vector<std::pair<std::string, Impl>> impls = {
      {"float",
       [](const Case& c) {
         return ei::reference::Lanczos3ResampleFloat(c.src->px.data(), size_t(c.src->w) * 3,
                                                     c.src->w, c.src->h, 3, c.win, c.ow, c.oh);
       }},
      {"fixed",
       [](const Case& c) {
         return ei::Lanczos3Resample(c.src->px.data(), size_t(c.src->w) * 3, c.src->w, c.src->h, 3,
                                     c.win, c.ow, c.oh, ei::RowKernels::kBest);
       }},
      {"sse2",
       [](const Case& c) {
         return ei::Lanczos3Resample(c.src->px.data(), size_t(c.src->w) * 3, c.src->w, c.src->h, 3,
                                     c.win, c.ow, c.oh, ei::RowKernels::kSse2);
       }},
      {"portable",
       [](const Case& c) {
         return ei::Lanczos3Resample(c.src->px.data(), size_t(c.src->w) * 3, c.src->w, c.src->h, 3,
                                     c.win, c.ow, c.oh, ei::RowKernels::kPortable);
       }},
  };
  if (!only.empty()) {
    for (const auto& c : cases) {
      for (const auto& [name, impl] : impls) {
        if (c.name + "/" + name != only) continue;
        auto r = impl(c);
        if (!r.ok()) return 1;
        std::printf("%s: %dx%d\n", only.c_str(), r->width, r->height);
        return 0;
      }
    }
    std::fprintf(stderr, "no case %s\n", only.c_str());
    return 2;
  }
  std::printf("SSE2 kernels: %s; AVX2 passes (fixed): %s; %d repetitions, thread CPU ms\n",
              ei::RowKernelsHaveSse2() ? "yes" : "no", ei::RowKernelsHaveAvx2() ? "yes" : "no",
              reps);
  std::printf("%-11s %-9s %9s %9s %9s %9s\n", "case", "impl", "min ms", "median", "float/x",
              "max|diff|");
  for (const auto& c : cases) {
    std::vector<std::vector<double>> ms(impls.size());
    std::vector<ei::PixelBuffer> outs(impls.size());
    // Interleaved, so a burst of other work on the box hits every implementation.
    for (int r = 0; r < reps; ++r) {
      for (size_t i = 0; i < impls.size(); ++i) {
        const double t0 = ThreadMs();
        auto out = impls[i].second(c);
        ms[i].push_back(ThreadMs() - t0);
        if (!out.ok()) return 1;
        outs[i] = std::move(*out);
      }
    }
    std::vector<double> mins;
    for (auto& v : ms) {
      std::sort(v.begin(), v.end());
      mins.push_back(v.front());
    }
    for (size_t i = 0; i < impls.size(); ++i) {
      int diff = 0;
      for (size_t b = 0; b < outs[i].size(); ++b) {
        diff = std::max(diff, std::abs(outs[i].pixels()[b] - outs[0].pixels()[b]));
      }
      std::printf("%-11s %-9s %9.2f %9.2f %9.2f %9d\n", c.name.c_str(), impls[i].first.c_str(),
                  mins[i], ms[i][ms[i].size() / 2], mins[0] / mins[i], diff);
    }
  }
  return 0;
}
