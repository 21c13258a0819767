// codec_floor: the CPU a photo -> 3 WebP variants job cannot go below with the
// codecs edgepix uses (TurboJPEG, libwebp, libpng), with no resize cost at all.
//
// Per photo, on one thread, timed in thread CPU time:
//   decode  JPEG: tjDecompress2 to RGB at the smallest DCT scale of 1/8, 1/4,
//           1/2, 1 that keeps >= 2x the largest variant (inside 1280x1280) on
//           both axes, as edgepix plans it (decode_jpeg.cpp ChooseScale);
//           WebP: WebPDecode to RGB, scaled on load to that size when that
//           halves both sides (decode_webp.cpp WebpOutputSize);
//           PNG: libpng's whole decode to 8-bit RGB (no scale on load);
//   encode  WebPEncode q85 method 4 (WebPPictureImportRGB included) of buffers
//           pre-resized (untimed, box filter) to large 1280, medium 640 and
//           thumb 150x150 (centre crop).
// Each photo is measured --reps times (default 3); the minimum per stage is kept
// (the least disturbed run on a shared machine). A photo it cannot measure
// fails the run (exit 1): a mean over fewer photos than edgepix processed
// would not compare like with like.
//
// Usage: codec_floor [--reps N] PHOTO...   (JPEG, WebP without alpha, PNG)
// Prints one TSV line per photo, then "mean" over photos (all times in ms).

#include <png.h>
#include <turbojpeg.h>
#include <webp/decode.h>
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

enum class Kind { kJpeg, kWebp, kPng, kOther };

Kind KindOf(const std::vector<unsigned char>& b) {
  if (b.size() >= 4 && b[0] == 0xFF && b[1] == 0xD8) return Kind::kJpeg;
  if (b.size() >= 12 && std::memcmp(b.data(), "RIFF", 4) == 0 &&
      std::memcmp(b.data() + 8, "WEBP", 4) == 0) {
    return Kind::kWebp;
  }
  if (b.size() >= 8 && std::memcmp(b.data(), "\x89PNG\r\n\x1a\n", 8) == 0) return Kind::kPng;
  return Kind::kOther;
}

// Both sides edgepix's decode must keep: >= 2x the largest variant (inside
// 1280x1280), never more than the photo.
void NeedFor(int w, int h, int* need_w, int* need_h) {
  double f = std::min({1.0, 1280.0 / w, 1280.0 / h});
  *need_w = std::min(w, int(std::ceil(2 * std::lround(w * f))));
  *need_h = std::min(h, int(std::ceil(2 * std::lround(h * f))));
}

// Decodes `b` into *full as edgepix would, timing only the decode call.
bool TimedDecode(tjhandle tj, const std::vector<unsigned char>& b, Rgb* full, double* ms) {
  const Kind kind = KindOf(b);
  if (kind == Kind::kJpeg) {
    int w = 0, h = 0, subsamp = 0, cs = 0;
    if (tjDecompressHeader3(tj, b.data(), b.size(), &w, &h, &subsamp, &cs) != 0) return false;
    int need_w = 0, need_h = 0;
    NeedFor(w, h, &need_w, &need_h);
    tjscalingfactor best{1, 1};
    for (int denom : {2, 4, 8}) {
      const tjscalingfactor f{1, denom};
      if (TJSCALED(w, f) >= need_w && TJSCALED(h, f) >= need_h) best = f;
    }
    full->w = TJSCALED(w, best);
    full->h = TJSCALED(h, best);
    full->px.resize(size_t(full->w) * full->h * 3);
    const double t0 = ThreadCpuMs();
    if (tjDecompress2(tj, b.data(), b.size(), full->px.data(), full->w, 0, full->h, TJPF_RGB, 0) !=
        0) {
      std::fprintf(stderr, "decode warning/error: %s\n", tjGetErrorStr2(tj));
    }
    *ms = ThreadCpuMs() - t0;
    return true;
  }
  if (kind == Kind::kWebp) {
    WebPDecoderConfig config;
    if (!WebPInitDecoderConfig(&config)) return false;
    if (WebPGetFeatures(b.data(), b.size(), &config.input) != VP8_STATUS_OK) return false;
    if (config.input.has_alpha || config.input.has_animation) return false;  // not a photo
    int w = config.input.width, h = config.input.height, need_w = 0, need_h = 0;
    NeedFor(w, h, &need_w, &need_h);
    if (need_w * 2 <= w && need_h * 2 <= h) {
      const double s = std::max(double(need_w) / w, double(need_h) / h);
      w = std::max(need_w, static_cast<int>(w * s + 0.999));
      h = std::max(need_h, static_cast<int>(h * s + 0.999));
      config.options.use_scaling = 1;
      config.options.scaled_width = w;
      config.options.scaled_height = h;
    }
    full->w = w;
    full->h = h;
    full->px.resize(size_t(w) * h * 3);
    config.output.colorspace = MODE_RGB;
    config.output.is_external_memory = 1;
    config.output.u.RGBA.rgba = full->px.data();
    config.output.u.RGBA.stride = w * 3;
    config.output.u.RGBA.size = full->px.size();
    const double t0 = ThreadCpuMs();
    const VP8StatusCode st = WebPDecode(b.data(), b.size(), &config);
    *ms = ThreadCpuMs() - t0;
    return st == VP8_STATUS_OK;
  }
  if (kind == Kind::kPng) {
    png_image img{};
    img.version = PNG_IMAGE_VERSION;
    const double t0 = ThreadCpuMs();
    if (!png_image_begin_read_from_memory(&img, b.data(), b.size())) return false;
    img.format = PNG_FORMAT_RGB;
    full->w = int(img.width);
    full->h = int(img.height);
    full->px.resize(PNG_IMAGE_SIZE(img));
    const bool ok = png_image_finish_read(&img, nullptr, full->px.data(), 0, nullptr) != 0;
    *ms = ThreadCpuMs() - t0;
    return ok;
  }
  return false;
}

bool MeasureOnce(tjhandle tj, const std::vector<unsigned char>& photo, Times* t, int* sw, int* sh) {
  Rgb full;
  if (!TimedDecode(tj, photo, &full, &t->decode)) return false;
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
    std::fprintf(stderr, "usage: codec_floor [--reps N] PHOTO...\n");
    return 2;
  }
  TjHandle tj(tjInitDecompress());
  if (!tj) return 1;
  std::printf("file\tdecoded\tdecode_ms\tlarge_ms\tmedium_ms\tthumb_ms\ttotal_ms\n");
  Times sum;
  int count = 0;
  for (const char* path : files) {
    std::vector<unsigned char> jpg;
    if (!ReadAll(path, &jpg) || KindOf(jpg) == Kind::kOther) {
      std::fprintf(stderr, "codec_floor: %s is not a readable JPEG, WebP or PNG\n", path);
      return 1;
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
      std::fprintf(stderr, "codec_floor: cannot measure %s (codec error, or a WebP with alpha)\n",
                   path);
      return 1;
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
