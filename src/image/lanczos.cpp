// Separable Lanczos-3, vertical pass first (over a whole row of bytes, which
// vectorises whatever the channel count), then horizontal; the tap tables are
// made once per call and shared by every row and column.

#include "image/lanczos.h"

#include <vector>

#include "image/lanczos_taps.h"

namespace edgepix::image {

Result<PixelBuffer> Lanczos3Resample(const uint8_t* src, size_t stride, int src_w, int src_h,
                                     int channels, const SourceWindow& win, int out_w, int out_h,
                                     RowKernels kernels) {
  if (channels != 3 && channels != 4) {
    return Status::Error(ErrorCode::kInternal, "resample: 3 or 4 channels expected");
  }
  if (src_w < 1 || src_h < 1 || out_w < 1 || out_h < 1 || !(win.width > 0) || !(win.height > 0)) {
    return Status::Error(ErrorCode::kInternal, "resample: empty image or window");
  }
  EDGEPIX_ASSIGN_OR_RETURN(auto dst, PixelBuffer::Allocate(out_w, out_h, channels));
  const FixedTaps tx = MakeFixedTaps(src_w, win.x0, win.width, out_w);
  const FixedTaps ty = MakeFixedTaps(src_h, win.y0, win.height, out_h);
  const size_t span_px = static_cast<size_t>(tx.hi - tx.lo);
  std::vector<int16_t> mid_rgb(channels == 3 ? MidRgbSize(span_px) : 0);
  std::vector<int64_t> mid_rgba(channels == 4 ? span_px * 4 : 0);
  std::vector<const uint8_t*> rows;
  for (int y = 0; y < out_h; ++y) {
    const int first = ty.first[static_cast<size_t>(y)];
    const int16_t* w = &ty.weights[static_cast<size_t>(y) * static_cast<size_t>(ty.stride)];
    const int taps = ty.count[static_cast<size_t>(y)];
    rows.resize(static_cast<size_t>(taps));
    for (int k = 0; k < taps; ++k) {
      rows[static_cast<size_t>(k)] = src + static_cast<size_t>(first + k) * stride +
                                     static_cast<size_t>(tx.lo) * static_cast<size_t>(channels);
    }
    if (channels == 4) {
      VerticalRgba(mid_rgba.data(), rows.data(), w, taps, span_px);
      HorizontalRgba(dst.row(y), mid_rgba.data(), tx, out_w);
    } else {
      VerticalRgb(kernels, mid_rgb.data(), rows.data(), w, taps, span_px * 3);
      HorizontalRgb(kernels, dst.row(y), mid_rgb.data(), span_px, tx, out_w);
    }
  }
  return dst;
}

}  // namespace edgepix::image
