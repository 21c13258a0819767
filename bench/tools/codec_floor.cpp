// codec_floor: the CPU a JPEG -> 3 WebP variants job cannot go below with the
// codecs edgepix uses (TurboJPEG + libwebp), with no resize cost at all.
//
// Per photo, on one thread, timed in thread CPU time:
//   decode  tjDecompress2 to RGB at the smallest DCT scale of 1/8, 1/4, 1/2, 1
//           that keeps >= 2x the largest variant (inside 1280x1280) on both
//           axes, as edgepix plans it;
//   encode  WebPEncode q85 method 4 (WebPPictureImportRGB included) of buffers
//           pre-resized (untimed, box filter) to large 1280, medium 640 and
//           thumb 150x150 (centre crop).
// Each photo is measured --reps times (default 3); the minimum per stage is kept
// (the least disturbed run on a shared machine).
//
// Usage: codec_floor [--reps N] FILE.jpg...
// Prints one TSV line per photo, then "mean" over photos (all times in ms).

#include <turbojpeg.h>
#include <webp/encode.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iterator>
#include <limits>
#include <memory>
#include <string>
#include <vector>

namespace {

// CLOCK_THREAD_CPUTIME_ID rather than getrusage(RUSAGE_THREAD): on this kernel
// the latter advances in scheduler ticks (4 ms), too coarse for a 3 ms encode.
double ThreadCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

struct TjFree {
  void operator()(void* h) const { tjDestroy(h); }
};
using TjHandle = std::unique_ptr<void, TjFree>;

struct Rgb {
  int w = 0, h = 0;
  std::vector<uint8_t> px;  // packed RGB
};

bool ReadAll(const char* path, std::vector<unsigned char>* out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  out->assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  return true;
}

// Box-filter (area average) resize of the crop [x0,x0+cw)x[y0,y0+ch) to ow x oh.
Rgb BoxResize(const Rgb& s, double x0, double y0, double cw, double ch, int ow, int oh) {
  Rgb d;
  d.w = ow;
  d.h = oh;
  d.px.resize(size_t(ow) * oh * 3);
  for (int y = 0; y < oh; ++y) {
    int sy0 = int(y0 + y * ch / oh), sy1 = std::max(sy0 + 1, int(y0 + (y + 1) * ch / oh));
    sy1 = std::min(sy1, s.h);
    for (int x = 0; x < ow; ++x) {
      int sx0 = int(x0 + x * cw / ow), sx1 = std::max(sx0 + 1, int(x0 + (x + 1) * cw / ow));
      sx1 = std::min(sx1, s.w);
      uint32_t acc[3] = {0, 0, 0};
      for (int yy = sy0; yy < sy1; ++yy) {
        const uint8_t* p = &s.px[(size_t(yy) * s.w + sx0) * 3];
        for (int xx = sx0; xx < sx1; ++xx, p += 3) {
          acc[0] += p[0];
          acc[1] += p[1];
          acc[2] += p[2];
        }
      }
      uint32_t n = uint32_t((sy1 - sy0) * (sx1 - sx0));
      for (int c = 0; c < 3; ++c) d.px[(size_t(y) * ow + x) * 3 + c] = uint8_t(acc[c] / n);
    }
  }
  return d;
}

Rgb Inside(const Rgb& s, int box) {
  double f = std::min({1.0, double(box) / s.w, double(box) / s.h});
  int ow = std::max(1, int(std::lround(s.w * f))), oh = std::max(1, int(std::lround(s.h * f)));
  return BoxResize(s, 0, 0, s.w, s.h, ow, oh);
}

Rgb Cover(const Rgb& s, int side) {
  double c = std::min(s.w, s.h);
  return BoxResize(s, (s.w - c) / 2, (s.h - c) / 2, c, c, side, side);
}

struct WriterClear {
  void operator()(WebPMemoryWriter* w) const { WebPMemoryWriterClear(w); }
};
struct PictureFree {
  void operator()(WebPPicture* p) const { WebPPictureFree(p); }
};

// Encodes and returns CPU ms (negative on failure); *bytes gets the size.
double TimedEncode(const Rgb& img, size_t* bytes) {
  WebPConfig config;
  if (!WebPConfigInit(&config)) return -1;
  config.quality = 85;
  config.method = 4;
  WebPPicture pic_storage;
  WebPMemoryWriter writer_storage;
  if (!WebPPictureInit(&pic_storage)) return -1;
  WebPMemoryWriterInit(&writer_storage);
  std::unique_ptr<WebPPicture, PictureFree> pic(&pic_storage);
  std::unique_ptr<WebPMemoryWriter, WriterClear> writer(&writer_storage);
  const double t0 = ThreadCpuMs();
  pic->width = img.w;
  pic->height = img.h;
  pic->writer = WebPMemoryWrite;
  pic->custom_ptr = writer.get();
  if (!WebPPictureImportRGB(pic.get(), img.px.data(), img.w * 3)) return -1;
  if (!WebPEncode(&config, pic.get())) return -1;
  const double t1 = ThreadCpuMs();
  *bytes = writer->size;
  return t1 - t0;
}

struct Times {
  double decode = 0, large = 0, medium = 0, thumb = 0;
  double Total() const { return decode + large + medium + thumb; }
};

bool MeasureOnce(tjhandle tj, const std::vector<unsigned char>& jpg, Times* t, int* sw, int* sh) {
  int w = 0, h = 0, subsamp = 0, cs = 0;
  if (tjDecompressHeader3(tj, jpg.data(), jpg.size(), &w, &h, &subsamp, &cs) != 0) return false;
  // Largest variant: inside 1280x1280; keep >= 2x its size on both axes.
  double f = std::min({1.0, 1280.0 / w, 1280.0 / h});
  int need_w = std::min(w, int(std::ceil(2 * std::lround(w * f)))),
      need_h = std::min(h, int(std::ceil(2 * std::lround(h * f))));
  // As edgepix plans it (src/image/decode_jpeg.cpp ChooseScale): the smallest
  // of 1/8, 1/4, 1/2 and 1, the scales libjpeg-turbo decodes with SIMD.
  tjscalingfactor best{1, 1};
  for (int denom : {2, 4, 8}) {
    const tjscalingfactor f{1, denom};
    if (TJSCALED(w, f) >= need_w && TJSCALED(h, f) >= need_h) best = f;
  }
  Rgb full;
  full.w = TJSCALED(w, best);
  full.h = TJSCALED(h, best);
  full.px.resize(size_t(full.w) * full.h * 3);
  const double t0 = ThreadCpuMs();
  if (tjDecompress2(tj, jpg.data(), jpg.size(), full.px.data(), full.w, 0, full.h, TJPF_RGB, 0) !=
      0) {
    std::fprintf(stderr, "decode warning/error: %s\n", tjGetErrorStr2(tj));
  }
  t->decode = ThreadCpuMs() - t0;
  *sw = full.w;
  *sh = full.h;
  Rgb large = Inside(full, 1280), medium = Inside(large, 640), thumb = Cover(medium, 150);
  size_t b = 0;
  if ((t->large = TimedEncode(large, &b)) < 0) return false;
  if ((t->medium = TimedEncode(medium, &b)) < 0) return false;
  if ((t->thumb = TimedEncode(thumb, &b)) < 0) return false;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  int reps = 3;
  std::vector<const char*> files;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--reps") == 0 && i + 1 < argc) {
      reps = std::max(1, std::atoi(argv[++i]));
    } else {
      files.push_back(argv[i]);
    }
  }
  if (files.empty()) {
    std::fprintf(stderr, "usage: codec_floor [--reps N] FILE.jpg...\n");
    return 2;
  }
  TjHandle tj(tjInitDecompress());
  if (!tj) return 1;
  std::printf("file\tdecoded\tdecode_ms\tlarge_ms\tmedium_ms\tthumb_ms\ttotal_ms\n");
  Times sum;
  int count = 0;
  for (const char* path : files) {
    std::vector<unsigned char> jpg;
    if (!ReadAll(path, &jpg) || jpg.size() < 4 || jpg[0] != 0xFF || jpg[1] != 0xD8) {
      std::fprintf(stderr, "skipping %s (not a readable JPEG)\n", path);
      continue;
    }
    Times best;
    best.decode = best.large = best.medium = best.thumb = std::numeric_limits<double>::max();
    int sw = 0, sh = 0;
    bool ok = true;
    for (int r = 0; r < reps && ok; ++r) {
      Times t;
      ok = MeasureOnce(tj.get(), jpg, &t, &sw, &sh);
      best.decode = std::min(best.decode, t.decode);
      best.large = std::min(best.large, t.large);
      best.medium = std::min(best.medium, t.medium);
      best.thumb = std::min(best.thumb, t.thumb);
    }
    if (!ok) {
      std::fprintf(stderr, "skipping %s (codec error)\n", path);
      continue;
    }
    std::printf("%s\t%dx%d\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\n", path, sw, sh, best.decode, best.large,
                best.medium, best.thumb, best.Total());
    sum.decode += best.decode;
    sum.large += best.large;
    sum.medium += best.medium;
    sum.thumb += best.thumb;
    ++count;
  }
  if (count == 0) return 1;
  std::printf("mean\t-\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\n", sum.decode / count, sum.large / count,
              sum.medium / count, sum.thumb / count, sum.Total() / count);
  return 0;
}
