// mallopt thresholds, set once per process.

#include "image/malloc_tuning.h"

#include <mutex>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace edgepix::image {

void RetainFreedImageMemory() {
#if defined(__GLIBC__)
  static std::once_flag once;
  std::call_once(once, [] {
    mallopt(M_MMAP_THRESHOLD, static_cast<int>(kRetainedBlockBytes));
    mallopt(M_TRIM_THRESHOLD, static_cast<int>(kRetainedBlockBytes));
  });
#endif
}

void TrimHeapForLargeDecode(uint64_t decode_bytes) {
#if defined(__GLIBC__)
  if (decode_bytes > kTrimAboveDecodeBytes) malloc_trim(0);
#else
  (void)decode_bytes;
#endif
}

void LimitMallocArenas() {
#if defined(__GLIBC__)
  mallopt(M_ARENA_MAX, kMallocArenas);
#endif
}

}  // namespace edgepix::image
