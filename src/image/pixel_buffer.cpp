// Small whole-buffer helpers for PixelBuffer.

#include "image/pixel_buffer.h"

namespace edgepix::image {

bool AnyTransparent(const PixelBuffer& b) {
  if (b.channels != 4) return false;
  const uint8_t* p = b.pixels();
  size_t n = size_t(b.width) * b.height;
  uint8_t acc = 0xFF;
  for (size_t i = 0; i < n; ++i) acc &= p[i * 4 + 3];
  return acc != 0xFF;
}

void DropAlphaInPlace(PixelBuffer& b) {
  if (b.channels != 4) return;
  uint8_t* p = b.pixels();
  size_t n = size_t(b.width) * b.height;
  for (size_t i = 0; i < n; ++i) {
    p[i * 3 + 0] = p[i * 4 + 0];
    p[i * 3 + 1] = p[i * 4 + 1];
    p[i * 3 + 2] = p[i * 4 + 2];
  }
  b.channels = 3;
}

}  // namespace edgepix::image
