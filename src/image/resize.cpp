// Output planning (cover / inside / fill, never upscaling) and resampling.

#include "image/resize.h"

#include <stb/stb_image_resize.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace edgepix::image {
namespace {

int RoundPos(double v) { return std::max(1, static_cast<int>(std::lround(v))); }

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
  auto dst = PixelBuffer::Allocate(out_w, out_h, c);
  if (!dst.ok()) return dst.status();
  if (cw == out_w && ch == out_h) {
    for (int y = 0; y < out_h; ++y) {
      std::memcpy(dst->row(y), in + size_t(y) * src.stride(), size_t(out_w) * c);
    }
    return dst;
  }
  int ok = stbir_resize_uint8_generic(in, cw, ch, static_cast<int>(src.stride()), dst->pixels(),
                                      out_w, out_h, static_cast<int>(dst->stride()), c,
                                      c == 4 ? 3 : STBIR_ALPHA_CHANNEL_NONE, 0, STBIR_EDGE_CLAMP,
                                      STBIR_FILTER_CATMULLROM, STBIR_COLORSPACE_LINEAR, nullptr);
  if (!ok) return Status::Error(ErrorCode::kInternal, "resize failed");
  return dst;
}

}  // namespace edgepix::image
