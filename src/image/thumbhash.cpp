// ThumbHash encoder. The arithmetic mirrors the reference order of operations
// (sums in row-major order, the same products) so that the bytes are equal to
// the reference encoder's, not merely close: rounding is JavaScript's
// Math.round (half up), which for the non-negative values here is floor(x+0.5).

#include "image/thumbhash.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include "image/resize.h"

namespace edgepix::image {
namespace {

int RoundHalfUp(double x) { return static_cast<int>(std::floor(x + 0.5)); }

// A channel's DCT terms: the constant one, the normalised varying ones (in
// 0..1) and the scale that normalised them.
struct ChannelTerms {
  double dc = 0;
  std::vector<double> ac;
  double scale = 0;
};

// Terms (cx, cy) with cx * ny < nx * (ny - cy): a triangle of low frequencies.
ChannelTerms EncodeChannel(const std::vector<double>& channel, int w, int h, int nx, int ny) {
  ChannelTerms out;
  std::vector<double> fx(w);
  for (int cy = 0; cy < ny; ++cy) {
    for (int cx = 0; cx * ny < nx * (ny - cy); ++cx) {
      for (int x = 0; x < w; ++x) fx[x] = std::cos(std::numbers::pi / w * cx * (x + 0.5));
      double f = 0;
      for (int y = 0; y < h; ++y) {
        const double fy = std::cos(std::numbers::pi / h * cy * (y + 0.5));
        for (int x = 0; x < w; ++x) f += channel[x + y * w] * fx[x] * fy;
      }
      f /= w * h;
      if (cx != 0 || cy != 0) {
        out.ac.push_back(f);
        out.scale = std::max(out.scale, std::abs(f));
      } else {
        out.dc = f;
      }
    }
  }
  if (out.scale != 0) {
    for (double& a : out.ac) a = 0.5 + 0.5 / out.scale * a;
  }
  return out;
}

}  // namespace

Result<std::string> EncodeThumbHash(int w, int h, const uint8_t* rgba) {
  if (w < 1 || h < 1 || w > kThumbHashMaxSide || h > kThumbHashMaxSide) {
    return Status::Error(ErrorCode::kInternal, "ThumbHash input must be 1..100 px a side");
  }
  const int n = w * h;
  // The average colour, weighted by alpha.
  double avg_r = 0, avg_g = 0, avg_b = 0, avg_a = 0;
  for (int i = 0; i < n; ++i) {
    const uint8_t* p = rgba + 4 * i;
    const double alpha = p[3] / 255.0;
    avg_r += alpha / 255 * p[0];
    avg_g += alpha / 255 * p[1];
    avg_b += alpha / 255 * p[2];
    avg_a += alpha;
  }
  if (avg_a != 0) {
    avg_r /= avg_a;
    avg_g /= avg_a;
    avg_b /= avg_a;
  }
  const bool has_alpha = avg_a < n;
  // Fewer luminance terms when alpha needs room.
  const int l_limit = has_alpha ? 5 : 7;
  const int longest = std::max(w, h);
  const int lx = std::max(1, RoundHalfUp(double(l_limit * w) / longest));
  const int ly = std::max(1, RoundHalfUp(double(l_limit * h) / longest));

  // RGBA -> LPQA, composited over the average colour.
  std::vector<double> l(n), p(n), q(n), a(n);
  for (int i = 0; i < n; ++i) {
    const uint8_t* px = rgba + 4 * i;
    const double alpha = px[3] / 255.0;
    const double r = avg_r * (1 - alpha) + alpha / 255 * px[0];
    const double g = avg_g * (1 - alpha) + alpha / 255 * px[1];
    const double b = avg_b * (1 - alpha) + alpha / 255 * px[2];
    l[i] = (r + g + b) / 3;
    p[i] = (r + g) / 2 - b;
    q[i] = r - g;
    a[i] = alpha;
  }
  const ChannelTerms lt = EncodeChannel(l, w, h, std::max(3, lx), std::max(3, ly));
  const ChannelTerms pt = EncodeChannel(p, w, h, 3, 3);
  const ChannelTerms qt = EncodeChannel(q, w, h, 3, 3);
  ChannelTerms at;
  if (has_alpha) at = EncodeChannel(a, w, h, 5, 5);

  const bool landscape = w > h;
  const uint32_t header24 =
      uint32_t(RoundHalfUp(63 * lt.dc)) | uint32_t(RoundHalfUp(31.5 + 31.5 * pt.dc)) << 6 |
      uint32_t(RoundHalfUp(31.5 + 31.5 * qt.dc)) << 12 |
      uint32_t(RoundHalfUp(31 * lt.scale)) << 18 | uint32_t(has_alpha ? 1 : 0) << 23;
  const uint32_t header16 =
      uint32_t(landscape ? ly : lx) | uint32_t(RoundHalfUp(63 * pt.scale)) << 3 |
      uint32_t(RoundHalfUp(63 * qt.scale)) << 9 | uint32_t(landscape ? 1 : 0) << 15;
  std::string hash;
  hash.push_back(char(header24 & 255));
  hash.push_back(char((header24 >> 8) & 255));
  hash.push_back(char((header24 >> 16) & 255));
  hash.push_back(char(header16 & 255));
  hash.push_back(char((header16 >> 8) & 255));
  if (has_alpha) {
    hash.push_back(char(RoundHalfUp(15 * at.dc) | RoundHalfUp(15 * at.scale) << 4));
  }
  // The AC terms, two 4-bit values a byte, low nibble first.
  size_t index = 0;
  auto put = [&](const std::vector<double>& terms) {
    for (double f : terms) {
      const size_t at_byte = hash.size() - (index & 1 ? 1 : 0);
      if (!(index & 1)) hash.push_back(0);
      hash[at_byte] = char(uint8_t(hash[at_byte]) | RoundHalfUp(15 * f) << ((index & 1) * 4));
      ++index;
    }
  };
  put(lt.ac);
  put(pt.ac);
  put(qt.ac);
  if (has_alpha) put(at.ac);
  return hash;
}

Result<std::string> ThumbHashOf(const PixelBuffer& pixels) {
  if (pixels.width < 1 || pixels.height < 1) {
    return Status::Error(ErrorCode::kInternal, "ThumbHash of an empty image");
  }
  const OutputPlan plan =
      PlanOutput(pixels.width, pixels.height, kThumbHashMaxSide, kThumbHashMaxSide, Fit::kInside);
  const PixelBuffer* small = &pixels;
  PixelBuffer resized;
  if (plan.width != pixels.width || plan.height != pixels.height) {
    EDGEPIX_ASSIGN_OR_RETURN(resized, ResizeCentred(pixels, 1.0, 1.0, plan.width, plan.height));
    small = &resized;
  }
  std::vector<uint8_t> rgba(size_t(small->width) * small->height * 4);
  for (int y = 0; y < small->height; ++y) {
    const uint8_t* src = small->row(y);
    uint8_t* dst = rgba.data() + size_t(y) * small->width * 4;
    for (int x = 0; x < small->width; ++x) {
      for (int c = 0; c < 3; ++c) dst[4 * x + c] = src[x * small->channels + c];
      dst[4 * x + 3] = small->channels == 4 ? src[x * 4 + 3] : 255;
    }
  }
  return EncodeThumbHash(small->width, small->height, rgba.data());
}

}  // namespace edgepix::image
