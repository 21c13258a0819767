// Keeps freed image buffers in the process instead of returning them to the
// kernel after every image.
//
// glibc serves blocks over its (dynamic, <= 32 MB) mmap threshold with fresh
// mmaps and trims freed heap tops eagerly, so every decode buffer, progressive
// JPEG coefficient array and encoder scratch area is page-faulted in again for
// every image. On virtual machines those faults cost about as much as the JPEG
// decode itself (figures: bench/load/RESULTS.md, "Figures moved out of code
// comments"). RetainFreedImageMemory fixes both thresholds at 32 MB
// (process-wide, once; later calls do nothing; 32 MB is the largest mmap
// threshold glibc accepts on 64-bit) so that steady-state images reuse memory
// already mapped (the largest coefficient array of a 15 MP progressive JPEG
// fits under it). Larger blocks are still mmapped and returned at once, and at
// most 32 MB of free heap top is kept per malloc arena, which bounds the RSS
// this adds.
#pragma once

#include <cstddef>
#include <cstdint>

namespace edgepix::image {

inline constexpr size_t kRetainedBlockBytes = 32u << 20;

void RetainFreedImageMemory();

// Returns the heap's free pages to the kernel (malloc_trim, every arena) when
// an image's decode needs more than kTrimAboveDecodeBytes: call it before such
// a decode (what the other worker's arena retains goes, so the two workers'
// peaks do not add up) and again once it is freed (what the decode and its
// resize left in the heap does not stay mapped; a progressive JPEG's
// coefficient arrays are not in the heap: see jpeg_coef_arrays.h). Note that
// glibc trims only the main arena's top this way, not another arena's (up to
// kRetainedBlockBytes each stays). Retaining is what
// keeps steady-state images fast; images under the threshold pay nothing, one
// over it pays the page faults of memory mapped afresh. The threshold sits
// above the whole decode of a 12 MP baseline JPEG (the common phone photo,
// 37 MB) and below a progressive one's (74 MB with its coefficient arrays).
// Thread-safe.
inline constexpr uint64_t kTrimAboveDecodeBytes = 48u << 20;
void TrimHeapForLargeDecode(uint64_t decode_bytes);

// Caps glibc at kMallocArenas arenas (process-wide; call before threads start).
// By default glibc makes up to 8 arenas per core as threads contend, and each
// keeps up to kRetainedBlockBytes of free heap top (see above). With 1024 HTTP
// threads beside the workers, that made a loaded server's peak RSS much larger
// than with 2 arenas, at the same throughput (bench/load/RESULTS.md, "Fixed on
// the way"). Image buffers are few and large, so sharing arenas costs no
// measurable lock contention.
inline constexpr int kMallocArenas = 2;
void LimitMallocArenas();

}  // namespace edgepix::image
