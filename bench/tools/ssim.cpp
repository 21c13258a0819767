// ssim: scores WebP variants against a reference downscale made here, by a path
// that none of the benchmarked tools uses.
//
// Reference: the full-resolution, oriented, sRGB original (a binary PPM that
// bench/run.sh makes with `vips icc_transform --embedded` from the photo; no
// shrink-on-load) resized with a separable Lanczos-3 filter in float, on
// gamma-encoded sRGB (as all the tools work), straight from full resolution to
// the exact size of the candidate. "cover" first takes the centred crop of the
// candidate's aspect ratio (sub-pixel exact); "inside" scales the whole image
// (independent x/y factors, so a candidate that rounded a side differently is
// still compared pixel for pixel).
//
// Score: SSIM (Wang et al. 2004) on luma Y' = 0.299R + 0.587G + 0.114B, 11x11
// Gaussian window (sigma 1.5), K1 0.01, K2 0.03, L 255, mean over every
// position where the window fits.
//
// Usage: ssim REF.ppm cover:A.webp inside:B.webp ...
// Prints "path<TAB>WxH<TAB>ssim" per candidate. References are cached by size.

#include <webp/decode.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace {

struct Image {
  int w = 0, h = 0;
  std::vector<uint8_t> rgb;  // packed RGB8
};

bool ReadFile(const std::string& path, std::vector<uint8_t>* out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  out->assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  return true;
}

// Binary PPM (P6, maxval 255), comments allowed in the header.
bool ReadPpm(const std::string& path, Image* img) {
  std::vector<uint8_t> data;
  if (!ReadFile(path, &data) || data.size() < 2 || data[0] != 'P' || data[1] != '6') return false;
  size_t pos = 2;
  long vals[3];
  for (long& v : vals) {
    for (;;) {
      while (pos < data.size() && std::isspace(data[pos])) ++pos;
      if (pos < data.size() && data[pos] == '#') {
        while (pos < data.size() && data[pos] != '\n') ++pos;
        continue;
      }
      break;
    }
    v = 0;
    while (pos < data.size() && std::isdigit(data[pos])) v = v * 10 + (data[pos++] - '0');
  }
  ++pos;  // the single whitespace after maxval
  if (vals[2] != 255 || vals[0] <= 0 || vals[1] <= 0) return false;
  img->w = int(vals[0]);
  img->h = int(vals[1]);
  size_t n = size_t(img->w) * img->h * 3;
  if (data.size() - pos < n) return false;
  img->rgb.assign(data.begin() + long(pos), data.begin() + long(pos + n));
  return true;
}

struct WebpFree {
  void operator()(uint8_t* p) const { WebPFree(p); }
};

bool ReadWebp(const std::string& path, Image* img) {
  std::vector<uint8_t> data;
  if (!ReadFile(path, &data)) return false;
  std::unique_ptr<uint8_t, WebpFree> px(WebPDecodeRGB(data.data(), data.size(), &img->w, &img->h));
  if (!px) return false;
  img->rgb.assign(px.get(), px.get() + size_t(img->w) * img->h * 3);
  return true;
}

double Lanczos3(double x) {
  x = std::fabs(x);
  if (x < 1e-9) return 1.0;
  if (x >= 3.0) return 0.0;
  const double pi = 3.14159265358979323846;
  return 3.0 * std::sin(pi * x) * std::sin(pi * x / 3.0) / (pi * pi * x * x);
}

// Weights mapping source span [start, start+len) (src_n samples) onto out_n samples.
struct Taps {
  int first = 0;
  std::vector<float> w;
};
std::vector<Taps> MakeTaps(int src_n, double start, double len, int out_n) {
  const double scale = len / out_n;  // source pixels per output pixel
  const double fscale = std::max(1.0, scale);
  const double support = 3.0 * fscale;
  std::vector<Taps> taps(static_cast<size_t>(out_n));
  for (int i = 0; i < out_n; ++i) {
    const double centre = start + (i + 0.5) * scale;
    const int lo = int(std::floor(centre - support)), hi = int(std::ceil(centre + support));
    Taps& t = taps[size_t(i)];
    t.first = lo;
    double sum = 0;
    for (int j = lo; j <= hi; ++j) {
      double v = Lanczos3((j + 0.5 - centre) / fscale);
      t.w.push_back(float(v));
      sum += v;
    }
    for (float& v : t.w) v = float(v / sum);
  }
  (void)src_n;
  return taps;
}

// Resizes the crop (x0, y0, cw, ch) of src to ow x oh; edges are extended.
Image Resample(const Image& src, double x0, double y0, double cw, double ch, int ow, int oh) {
  auto tx = MakeTaps(src.w, x0, cw, ow), ty = MakeTaps(src.h, y0, ch, oh);
  auto clampx = [&](int x) { return std::clamp(x, 0, src.w - 1); };
  auto clampy = [&](int y) { return std::clamp(y, 0, src.h - 1); };
  // Rows the vertical pass needs.
  int rlo = src.h, rhi = 0;
  for (const Taps& t : ty) {
    rlo = std::min(rlo, clampy(t.first));
    rhi = std::max(rhi, clampy(t.first + int(t.w.size()) - 1));
  }
  const int rows = rhi - rlo + 1;
  std::vector<float> mid(size_t(rows) * ow * 3);
  for (int r = 0; r < rows; ++r) {
    const uint8_t* row = &src.rgb[size_t(rlo + r) * src.w * 3];
    for (int x = 0; x < ow; ++x) {
      const Taps& t = tx[size_t(x)];
      float acc[3] = {0, 0, 0};
      for (size_t k = 0; k < t.w.size(); ++k) {
        const uint8_t* p = row + size_t(clampx(t.first + int(k))) * 3;
        acc[0] += t.w[k] * p[0];
        acc[1] += t.w[k] * p[1];
        acc[2] += t.w[k] * p[2];
      }
      float* m = &mid[(size_t(r) * ow + x) * 3];
      m[0] = acc[0];
      m[1] = acc[1];
      m[2] = acc[2];
    }
  }
  Image out;
  out.w = ow;
  out.h = oh;
  out.rgb.resize(size_t(ow) * oh * 3);
  for (int y = 0; y < oh; ++y) {
    const Taps& t = ty[size_t(y)];
    for (int x = 0; x < ow; ++x) {
      float acc[3] = {0, 0, 0};
      for (size_t k = 0; k < t.w.size(); ++k) {
        const float* m = &mid[(size_t(clampy(t.first + int(k)) - rlo) * ow + x) * 3];
        acc[0] += t.w[k] * m[0];
        acc[1] += t.w[k] * m[1];
        acc[2] += t.w[k] * m[2];
      }
      for (int c = 0; c < 3; ++c) {
        out.rgb[(size_t(y) * ow + x) * 3 + c] = uint8_t(std::clamp(std::lround(acc[c]), 0L, 255L));
      }
    }
  }
  return out;
}

std::vector<double> Luma(const Image& im) {
  std::vector<double> y(size_t(im.w) * im.h);
  for (size_t i = 0; i < y.size(); ++i) {
    const uint8_t* p = &im.rgb[i * 3];
    y[i] = 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2];
  }
  return y;
}

double Ssim(const Image& a, const Image& b) {
  const int w = a.w, h = a.h, r = 5;
  if (w < 2 * r + 1 || h < 2 * r + 1) return std::nan("");
  std::vector<double> ya = Luma(a), yb = Luma(b);
  double g[2 * r + 1], gs = 0;
  for (int i = -r; i <= r; ++i) gs += g[i + r] = std::exp(-(i * i) / (2 * 1.5 * 1.5));
  for (double& v : g) v /= gs;
  const double c1 = (0.01 * 255) * (0.01 * 255), c2 = (0.03 * 255) * (0.03 * 255);
  double total = 0;
  long n = 0;
  for (int y = r; y < h - r; ++y) {
    for (int x = r; x < w - r; ++x) {
      double ma = 0, mb = 0, saa = 0, sbb = 0, sab = 0;
      for (int dy = -r; dy <= r; ++dy) {
        for (int dx = -r; dx <= r; ++dx) {
          const double wt = g[dy + r] * g[dx + r];
          const size_t i = size_t(y + dy) * w + (x + dx);
          ma += wt * ya[i];
          mb += wt * yb[i];
          saa += wt * ya[i] * ya[i];
          sbb += wt * yb[i] * yb[i];
          sab += wt * ya[i] * yb[i];
        }
      }
      const double va = saa - ma * ma, vb = sbb - mb * mb, cov = sab - ma * mb;
      total += ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
      ++n;
    }
  }
  return total / double(n);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: ssim REF.ppm cover:A.webp inside:B.webp ...\n");
    return 2;
  }
  Image ref;
  if (!ReadPpm(argv[1], &ref)) {
    std::fprintf(stderr, "ssim: cannot read reference %s\n", argv[1]);
    return 1;
  }
  std::map<std::tuple<bool, int, int>, Image> cache;
  int status = 0;
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    bool cover = arg.rfind("cover:", 0) == 0;
    if (!cover && arg.rfind("inside:", 0) != 0) {
      std::fprintf(stderr, "ssim: %s: expected cover:PATH or inside:PATH\n", argv[i]);
      return 2;
    }
    std::string path = arg.substr(cover ? 6 : 7);
    Image cand;
    if (!ReadWebp(path, &cand)) {
      std::printf("%s\t-\tNA\n", path.c_str());
      status = 1;
      continue;
    }
    auto key = std::make_tuple(cover, cand.w, cand.h);
    auto it = cache.find(key);
    if (it == cache.end()) {
      double cw = ref.w, ch = ref.h;
      if (cover) {  // centred crop with the candidate's aspect ratio
        if (double(ref.w) / ref.h > double(cand.w) / cand.h) {
          cw = double(ref.h) * cand.w / cand.h;
        } else {
          ch = double(ref.w) * cand.h / cand.w;
        }
      }
      it = cache
               .emplace(key,
                        Resample(ref, (ref.w - cw) / 2, (ref.h - ch) / 2, cw, ch, cand.w, cand.h))
               .first;
    }
    std::printf("%s\t%dx%d\t%.4f\n", path.c_str(), cand.w, cand.h, Ssim(it->second, cand));
  }
  return status;
}
