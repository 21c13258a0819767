// Separable Lanczos-3, vertical pass first (over a whole row of bytes, which
// vectorises whatever the channel count), then horizontal; the tap tables are
// made once per call and shared by every row and column.

#include "image/lanczos.h"

#include <algorithm>
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
  // RGB with AVX2: four output rows per horizontal call, each from its own
  // vertical pass, so each weight the horizontal pass loads serves them all.
  const int batch = channels == 3 ? HorizontalRgbRows(kernels) : 1;
  const size_t mid_size = MidRgbSize(span_px, batch);
  std::vector<int16_t> mid_rgb(channels == 3 ? mid_size * static_cast<size_t>(batch) : 0);
  std::vector<int64_t> mid_rgba(channels == 4 ? span_px * 4 : 0);
  std::vector<const uint8_t*> rows;
  // The source rows output row y reads, from column tx.lo.
  auto rows_of = [&](int y) {
    const int first = ty.first[static_cast<size_t>(y)];
    const int taps = ty.count[static_cast<size_t>(y)];
    rows.resize(static_cast<size_t>(taps));
    for (int k = 0; k < taps; ++k) {
      rows[static_cast<size_t>(k)] = src + static_cast<size_t>(first + k) * stride +
                                     static_cast<size_t>(tx.lo) * static_cast<size_t>(channels);
    }
    return &ty.weights[static_cast<size_t>(y) * static_cast<size_t>(ty.stride)];
  };
  for (int y = 0; y < out_h; y += batch) {
    if (channels == 4) {
      const int16_t* w = rows_of(y);
      VerticalRgba(mid_rgba.data(), rows.data(), w, static_cast<int>(rows.size()), span_px);
      HorizontalRgba(dst.row(y), mid_rgba.data(), tx, out_w);
      continue;
    }
    const int n = std::min(batch, out_h - y);
    uint8_t* out[4];
    int16_t* mid[4];
    for (int r = 0; r < n; ++r) {
      const int16_t* w = rows_of(y + r);
      out[r] = dst.row(y + r);
      mid[r] = mid_rgb.data() + static_cast<size_t>(r) * mid_size;
      VerticalRgb(kernels, mid[r], rows.data(), w, static_cast<int>(rows.size()), span_px * 3);
    }
    HorizontalRgb(kernels, out, mid, n, span_px, tx, out_w);
  }
  return dst;
}

}  // namespace edgepix::image
