// Whole-image coefficient arrays for libjpeg decodes, mapped fresh from the
// kernel in huge-page-advised blocks instead of libjpeg's malloc'd ones.
//
// A progressive (or other multi-scan) JPEG keeps every DCT coefficient of the
// image until its last scan: 2 bytes per sample, twice the decoded image's
// size for 4:2:0. libjpeg takes that memory from malloc in a few large blocks
// and zeroes each row before its first use. Blocks this large are rarely
// reused warm (glibc maps the largest afresh, and TrimHeapForLargeDecode
// returns the rest to the kernel so two workers' peaks do not add up), so
// every decode faults them in 4 KiB at a time (a trap to the hypervisor each
// on a virtual machine) and then zeroes memory the kernel has just zeroed.
// Here the arrays of kMinMappedBytes or more share one anonymous mapping per
// image, 2 MB-aligned and advised MADV_HUGEPAGE (one mapping, so the image's
// memory is rounded up to a huge page once, not once per array): the kernel
// faults it in 2 MB at a time where transparent huge pages are on, and
// libjpeg's zeroing is skipped because a fresh mapping reads as zero. Smaller
// arrays and everything else stay with libjpeg's own memory manager. The
// memory is unmapped when libjpeg frees the image's pool (jpeg_finish_ or
// jpeg_abort_decompress) or destroys the object, so it is held no longer than
// before, and the pixel budget's estimate of a decode is unchanged. What it
// gives up: the arrays no longer reuse heap memory glibc retained from earlier
// images (see malloc_tuning.h), so a process's peak RSS can be higher by up to
// that retained amount (bench/RESULTS.md has the figures).
//
// Usage: one JpegCoefArrays per jpeg_decompress_struct, Install(&d) after
// jpeg_create_decompress and before jpeg_read_header; the object must outlive
// jpeg_destroy_decompress(&d). It uses d.client_data. A mapping that fails
// ends the decode through libjpeg's error_exit (JERR_OUT_OF_MEMORY), as a
// failed malloc would. Not thread-safe; separate decodes need nothing shared.
#pragma once

// <cstdio> before jpeglib.h, which uses FILE and size_t without including them.
#include <cstdio>
// clang-format off
#include <jpeglib.h>
// clang-format on

#include <cstddef>
#include <vector>

#include "image/pixel_buffer.h"

namespace edgepix::image {

class JpegCoefArrays {
 public:
  // Arrays under one huge page gain nothing from a mapping of their own.
  static constexpr size_t kMinMappedBytes = kHugePageBytes;

  JpegCoefArrays() = default;
  JpegCoefArrays(const JpegCoefArrays&) = delete;
  JpegCoefArrays& operator=(const JpegCoefArrays&) = delete;
  ~JpegCoefArrays();

  void Install(j_decompress_ptr d);

  // Bytes mapped now (for tests).
  size_t mapped_bytes() const;

 private:
  struct Array;  // one virtual block array; defined in the .cpp

  static jvirt_barray_ptr Request(j_common_ptr c, int pool_id, boolean pre_zero,
                                  JDIMENSION blocksperrow, JDIMENSION numrows,
                                  JDIMENSION maxaccess);
  static void Realize(j_common_ptr c);
  static JBLOCKARRAY Access(j_common_ptr c, jvirt_barray_ptr p, JDIMENSION start_row,
                            JDIMENSION num_rows, boolean writable);
  static void FreePool(j_common_ptr c, int pool_id);
  static void SelfDestruct(j_common_ptr c);
  static JpegCoefArrays* Of(j_common_ptr c);
  bool MapArrays();
  void UnmapAll();

  jpeg_memory_mgr original_{};
  std::vector<Array*> arrays_;  // ours (all in libjpeg's image pool)
  void* map_ = nullptr;         // their data, map_bytes_ long
  size_t map_bytes_ = 0;
};

}  // namespace edgepix::image
