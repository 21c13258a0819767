// Keeps freed image buffers in the process instead of returning them to the
// kernel after every image.
//
// glibc serves blocks over its (dynamic, <= 32 MB) mmap threshold with fresh
// mmaps and trims freed heap tops eagerly, so every decode buffer, progressive
// JPEG coefficient array and encoder scratch area is page-faulted in again for
// every image. On virtual machines a fault costs ~4 ms per MB touched: as much
// as the JPEG decode itself. RetainFreedImageMemory fixes both thresholds at
// 32 MB (process-wide, once; later calls do nothing; 32 MB is the largest
// mmap threshold glibc accepts on 64-bit) so that steady-state images reuse
// memory already mapped (a 15 MP progressive JPEG's largest coefficient array
// is 29.5 MB). Larger blocks are still mmapped and returned at once, and at
// most 32 MB of free heap top is kept per malloc arena, which bounds the RSS
// this adds.
#pragma once

#include <cstddef>

namespace edgepix::image {

inline constexpr size_t kRetainedBlockBytes = 32u << 20;

void RetainFreedImageMemory();

}  // namespace edgepix::image
