// Output planning (cover / inside / fill, never upscaling) and resampling.

#include "image/resize.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "image/lanczos.h"

namespace edgepix::image {
namespace {

int RoundPos(double v) { return std::max(1, static_cast<int>(std::lround(v))); }

// Integer box shrink by kx, ky of a (cw x ch) region: the cheap first stage
// for large ratios, as libvips does; RGBA is averaged alpha-weighted.
Result<PixelBuffer> BoxShrink(const uint8_t* in, size_t in_stride, int cw, int ch, int c, int kx,
                              int ky) {
  EDGEPIX_ASSIGN_OR_RETURN(auto dst, PixelBuffer::Allocate(cw / kx, ch / ky, c));
  const uint32_t n = uint32_t(kx) * ky;
  for (int oy = 0; oy < dst.height; ++oy) {
    uint8_t* d = dst.row(oy);
    for (int ox = 0; ox < dst.width; ++ox, d += c) {
      uint32_t sum[4] = {0, 0, 0, 0};
      for (int y = 0; y < ky; ++y) {
        const uint8_t* p = in + (size_t(oy) * ky + y) * in_stride + size_t(ox) * kx * c;
        for (int x = 0; x < kx; ++x, p += c) {
          uint32_t a = c == 4 ? p[3] : 1;
          sum[0] += p[0] * a, sum[1] += p[1] * a, sum[2] += p[2] * a;
          if (c == 4) sum[3] += a;
        }
      }
      uint32_t div = c == 4 ? sum[3] : n;
      for (int k = 0; k < 3; ++k) d[k] = div ? uint8_t((sum[k] + div / 2) / div) : 0;
      if (c == 4) d[3] = uint8_t((sum[3] + n / 2) / n);
    }
  }
  return dst;
}

}  // namespace

OutputPlan PlanOutput(int w, int h, int tw, int th, Fit fit) {
  OutputPlan p;
  switch (fit) {
    case Fit::kInside: {
      double s = std::min({double(tw) / w, double(th) / h, 1.0});
      p.width = std::min(w, RoundPos(w * s));
      p.height = std::min(h, RoundPos(h * s));
      break;
    }
    case Fit::kFill:
      p.width = std::min(w, tw);
      p.height = std::min(h, th);
      break;
    case Fit::kCover: {
      // Largest centred crop with the target aspect, then scale down to WxH
      // (or keep the crop's size when it is smaller than the target).
      double cw = std::min(double(w), double(h) * tw / th);
      double ch = std::min(double(h), double(w) * th / tw);
      p.crop_fx = cw / w;
      p.crop_fy = ch / h;
      p.width = std::min(tw, RoundPos(cw));
      p.height = std::min(th, RoundPos(ch));
      break;
    }
  }
  return p;
}

Result<PixelBuffer> ResizeCentred(const PixelBuffer& src, double fx, double fy, int out_w,
                                  int out_h) {
  const int c = src.channels;
  // A crop of exactly the output's size is copied (cover on a small source).
  const int icw = std::clamp(static_cast<int>(std::lround(fx * src.width)), 1, src.width);
  const int ich = std::clamp(static_cast<int>(std::lround(fy * src.height)), 1, src.height);
  if (icw == out_w && ich == out_h) {
    const int cx = (src.width - icw) / 2, cy = (src.height - ich) / 2;
    const uint8_t* in = src.pixels() + size_t(cy) * src.stride() + size_t(cx) * c;
    EDGEPIX_ASSIGN_OR_RETURN(auto dst, PixelBuffer::Allocate(out_w, out_h, c));
    for (int y = 0; y < out_h; ++y) {
      std::memcpy(dst.row(y), in + size_t(y) * src.stride(), size_t(out_w) * c);
    }
    return dst;
  }
  // The crop in continuous coordinates: centred to the sub-pixel.
  SourceWindow win;
  win.width = std::min(1.0, fx) * src.width;
  win.height = std::min(1.0, fy) * src.height;
  win.x0 = (src.width - win.width) / 2;
  win.y0 = (src.height - win.height) / 2;
  // A box shrink only while it leaves the kernel a reduction of at least 2x
  // on that axis (libvips' resize does the same): k = floor(ratio / 2).
  const int kx = std::max(1, static_cast<int>(win.width / out_w / 2));
  const int ky = std::max(1, static_cast<int>(win.height / out_h / 2));
  if (kx == 1 && ky == 1) {
    return Lanczos3Resample(src.pixels(), src.stride(), src.width, src.height, c, win, out_w,
                            out_h);
  }
  // Box the whole source pixels covering the window, aligned on its start.
  const int bx = static_cast<int>(std::floor(win.x0)), by = static_cast<int>(std::floor(win.y0));
  const int nx =
      std::min((src.width - bx) / kx, static_cast<int>(std::ceil((win.x0 + win.width - bx) / kx)));
  const int ny = std::min((src.height - by) / ky,
                          static_cast<int>(std::ceil((win.y0 + win.height - by) / ky)));
  const uint8_t* in = src.pixels() + size_t(by) * src.stride() + size_t(bx) * c;
  EDGEPIX_ASSIGN_OR_RETURN(auto shrunk, BoxShrink(in, src.stride(), nx * kx, ny * ky, c, kx, ky));
  SourceWindow sw;
  sw.x0 = (win.x0 - bx) / kx;
  sw.y0 = (win.y0 - by) / ky;
  sw.width = std::min(win.width / kx, shrunk.width - sw.x0);
  sw.height = std::min(win.height / ky, shrunk.height - sw.y0);
  return Lanczos3Resample(shrunk.pixels(), shrunk.stride(), shrunk.width, shrunk.height, c, sw,
                          out_w, out_h);
}

}  // namespace edgepix::image
