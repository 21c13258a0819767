// Small whole-buffer helpers for PixelBuffer.

#include "image/pixel_buffer.h"

#include <sys/mman.h>

#include "image/malloc_tuning.h"

namespace edgepix::image {

void AdviseHugePageRange(void* p, size_t n) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  const uintptr_t begin =
      (reinterpret_cast<uintptr_t>(p) + kHugePageBytes - 1) & ~(kHugePageBytes - 1);
  const uintptr_t end = (reinterpret_cast<uintptr_t>(p) + n) & ~(kHugePageBytes - 1);
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#else
  (void)p;
  (void)n;
#endif
}

void AdviseHugePages(void* p, size_t n) {
  if (n < kRetainedBlockBytes) return;  // under it glibc reuses heap memory
  AdviseHugePageRange(p, n);
}

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
