// Orientation as an affine map from display coordinates to stored ones:
// sx = ax*x + bx*y + cx, sy = ay*x + by*y + cy.

#include "image/orient.h"

#include <cstring>

namespace edgepix::image {

Result<PixelBuffer> Orient(const PixelBuffer& src, int o) {
  int W = src.width, H = src.height;
  bool swap = SwapsAxes(o);
  EDGEPIX_ASSIGN_OR_RETURN(auto dst,
                           PixelBuffer::Allocate(swap ? H : W, swap ? W : H, src.channels));
  int ax = 1, bx = 0, cx = 0, ay = 0, by = 1, cy = 0;
  switch (o) {
    case 2:
      ax = -1;
      cx = W - 1;
      break;
    case 3:
      ax = -1;
      cx = W - 1;
      by = -1;
      cy = H - 1;
      break;
    case 4:
      by = -1;
      cy = H - 1;
      break;
    case 5:
      ax = 0;
      bx = 1;
      ay = 1;
      by = 0;
      break;
    case 6:
      ax = 0;
      bx = 1;
      ay = -1;
      by = 0;
      cy = H - 1;
      break;
    case 7:
      ax = 0;
      bx = -1;
      cx = W - 1;
      ay = -1;
      by = 0;
      cy = H - 1;
      break;
    case 8:
      ax = 0;
      bx = -1;
      cx = W - 1;
      ay = 1;
      by = 0;
      break;
    default:
      std::memcpy(dst.pixels(), src.pixels(), src.size());
      return dst;
  }
  const int c = src.channels;
  const ptrdiff_t stride = static_cast<ptrdiff_t>(src.stride());
  const ptrdiff_t step = ax * c + ay * stride;  // source step per display x
  const uint8_t* base = src.pixels();
  for (int y = 0; y < dst.height; ++y) {
    const uint8_t* s = base + (bx * y + cx) * c + (by * y + cy) * stride;
    uint8_t* d = dst.row(y);
    if (c == 4) {
      for (int x = 0; x < dst.width; ++x, s += step, d += 4) std::memcpy(d, s, 4);
    } else {
      for (int x = 0; x < dst.width; ++x, s += step, d += 3) {
        d[0] = s[0];
        d[1] = s[1];
        d[2] = s[2];
      }
    }
  }
  return dst;
}

}  // namespace edgepix::image
