// Coefficient arrays of multi-scan JPEG decodes in huge-page mappings (see the
// header for why). libjpeg's memory manager is a table of methods meant to be
// replaced; only the block-array methods are, and only for large arrays.

#include "image/jpeg_coef_arrays.h"

// jerror.h after jpeglib.h (the header's), for its types.
#include <jerror.h>
#include <sys/mman.h>

#include <algorithm>
#include <cstdint>
#include <new>

namespace edgepix::image {

struct JpegCoefArrays::Array {
  JDIMENSION blocks_per_row = 0;
  JDIMENSION rows = 0;
  JBLOCKROW* row_ptrs = nullptr;  // `rows` pointers into the mapping, once realized
};

namespace {

constexpr size_t kArrayAlign = 64;  // each array starts on a cache line

size_t ArrayBytes(JDIMENSION blocks_per_row, JDIMENSION rows) {
  return size_t{blocks_per_row} * size_t{rows} * sizeof(JBLOCK);
}

size_t RoundUp(size_t n, size_t to) { return (n + to - 1) & ~(to - 1); }

}  // namespace

JpegCoefArrays::~JpegCoefArrays() { UnmapAll(); }

void JpegCoefArrays::Install(j_decompress_ptr d) {
  original_ = *d->mem;
  d->client_data = this;
  d->mem->request_virt_barray = &JpegCoefArrays::Request;
  d->mem->realize_virt_arrays = &JpegCoefArrays::Realize;
  d->mem->access_virt_barray = &JpegCoefArrays::Access;
  d->mem->free_pool = &JpegCoefArrays::FreePool;
  d->mem->self_destruct = &JpegCoefArrays::SelfDestruct;
}

size_t JpegCoefArrays::mapped_bytes() const { return map_bytes_; }

JpegCoefArrays* JpegCoefArrays::Of(j_common_ptr c) {
  return static_cast<JpegCoefArrays*>(c->client_data);
}

jvirt_barray_ptr JpegCoefArrays::Request(j_common_ptr c, int pool_id, boolean pre_zero,
                                         JDIMENSION blocksperrow, JDIMENSION numrows,
                                         JDIMENSION maxaccess) {
  JpegCoefArrays* self = Of(c);
  // Arrays requested after realize (libjpeg never does) would need a second mapping.
  if (pool_id != JPOOL_IMAGE || self->map_ != nullptr ||
      ArrayBytes(blocksperrow, numrows) < kMinMappedBytes) {
    return self->original_.request_virt_barray(c, pool_id, pre_zero, blocksperrow, numrows,
                                               maxaccess);
  }
  // pre_zero needs nothing more: the mapping reads as zero until written.
  Array* a = new (std::nothrow) Array;
  bool kept = false;
  if (a != nullptr) {
    a->blocks_per_row = blocksperrow;
    a->rows = numrows;
    try {
      self->arrays_.push_back(a);
      kept = true;
    } catch (const std::bad_alloc&) {
      delete a;
    }
  }
  // No C++ object with a destructor is live here: error_exit may longjmp.
  if (!kept) ERREXIT1(c, JERR_OUT_OF_MEMORY, 20);
  return reinterpret_cast<jvirt_barray_ptr>(a);
}

bool JpegCoefArrays::MapArrays() {
  if (arrays_.empty() || map_ != nullptr) return true;
  size_t data_bytes = 0;
  for (const Array* a : arrays_)
    data_bytes += RoundUp(ArrayBytes(a->blocks_per_row, a->rows), kArrayAlign);
  const size_t rounded = RoundUp(data_bytes, kHugePageBytes);
  const size_t len = rounded + kHugePageBytes;  // room to align the start
  void* p = mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return false;
  map_ = p;
  map_bytes_ = len;
  auto* next =
      reinterpret_cast<unsigned char*>(RoundUp(reinterpret_cast<uintptr_t>(p), kHugePageBytes));
  AdviseHugePageRange(next, rounded);
  for (Array* a : arrays_) {
    a->row_ptrs = new (std::nothrow) JBLOCKROW[a->rows];
    if (a->row_ptrs == nullptr) return false;  // UnmapAll (free_pool, destroy) cleans up
    auto* blocks = reinterpret_cast<JBLOCKROW>(next);
    for (JDIMENSION r = 0; r < a->rows; ++r)
      a->row_ptrs[r] = blocks + size_t{r} * a->blocks_per_row;
    next += RoundUp(ArrayBytes(a->blocks_per_row, a->rows), kArrayAlign);
  }
  return true;
}

void JpegCoefArrays::Realize(j_common_ptr c) {
  JpegCoefArrays* self = Of(c);
  if (!self->MapArrays()) ERREXIT1(c, JERR_OUT_OF_MEMORY, 21);
  self->original_.realize_virt_arrays(c);
}

JBLOCKARRAY JpegCoefArrays::Access(j_common_ptr c, jvirt_barray_ptr p, JDIMENSION start_row,
                                   JDIMENSION num_rows, boolean writable) {
  JpegCoefArrays* self = Of(c);
  auto* a = reinterpret_cast<Array*>(p);
  if (std::find(self->arrays_.begin(), self->arrays_.end(), a) == self->arrays_.end()) {
    return self->original_.access_virt_barray(c, p, start_row, num_rows, writable);
  }
  if (a->row_ptrs == nullptr || size_t{start_row} + num_rows > a->rows) {
    ERREXIT(c, JERR_BAD_VIRTUAL_ACCESS);
  }
  return a->row_ptrs + start_row;
}

void JpegCoefArrays::UnmapAll() {
  for (Array* a : arrays_) {
    delete[] a->row_ptrs;
    delete a;
  }
  arrays_.clear();
  if (map_ != nullptr) munmap(map_, map_bytes_);
  map_ = nullptr;
  map_bytes_ = 0;
}

void JpegCoefArrays::FreePool(j_common_ptr c, int pool_id) {
  JpegCoefArrays* self = Of(c);
  if (pool_id == JPOOL_IMAGE) self->UnmapAll();
  self->original_.free_pool(c, pool_id);
}

void JpegCoefArrays::SelfDestruct(j_common_ptr c) {
  JpegCoefArrays* self = Of(c);
  self->UnmapAll();
  const jpeg_memory_mgr original = self->original_;
  original.self_destruct(c);
}

}  // namespace edgepix::image
