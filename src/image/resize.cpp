// Output planning (cover / inside / fill, never upscaling) and resampling.

#include "image/resize.h"

#include <stb/stb_image_resize.h>

#include <algorithm>
#include <cmath>
#include <cstring>

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
  int cw = std::clamp(static_cast<int>(std::lround(fx * src.width)), 1, src.width);
  int ch = std::clamp(static_cast<int>(std::lround(fy * src.height)), 1, src.height);
  int cx = (src.width - cw) / 2, cy = (src.height - ch) / 2;
  const int c = src.channels;
  const uint8_t* in = src.pixels() + size_t(cy) * src.stride() + size_t(cx) * c;
  EDGEPIX_ASSIGN_OR_RETURN(auto dst, PixelBuffer::Allocate(out_w, out_h, c));
  if (cw == out_w && ch == out_h) {
    for (int y = 0; y < out_h; ++y) {
      std::memcpy(dst.row(y), in + size_t(y) * src.stride(), size_t(out_w) * c);
    }
    return dst;
  }
  // Box-shrink by the integer part of the ratio first when it is at least 2,
  // leaving the filter a residual below 2x: far less float work.
  size_t in_stride = src.stride();
  PixelBuffer shrunk;
  int kx = std::max(1, cw / out_w), ky = std::max(1, ch / out_h);
  if (kx >= 2 || ky >= 2) {
    EDGEPIX_ASSIGN_OR_RETURN(auto b, BoxShrink(in, in_stride, cw, ch, c, kx, ky));
    shrunk = std::move(b);
    if (shrunk.width == out_w && shrunk.height == out_h) return shrunk;
    in = shrunk.pixels();
    in_stride = shrunk.stride();
    cw = shrunk.width;
    ch = shrunk.height;
  }
  int ok = stbir_resize_uint8_generic(in, cw, ch, static_cast<int>(in_stride), dst.pixels(), out_w,
                                      out_h, static_cast<int>(dst.stride()), c,
                                      c == 4 ? 3 : STBIR_ALPHA_CHANNEL_NONE, 0, STBIR_EDGE_CLAMP,
                                      STBIR_FILTER_CATMULLROM, STBIR_COLORSPACE_LINEAR, nullptr);
  if (!ok) return Status::Error(ErrorCode::kInternal, "resize failed");
  return dst;
}

}  // namespace edgepix::image
