// PixelBuffer: an owned, tightly packed 8-bit RGB or RGBA image.
//
// Memory comes from malloc so buffers returned by C decoders (stb_image) can
// be adopted without a copy; the deleter calls free. Move-only. Allocation
// failure is reported as kInternal, never thrown. Callers check Limits before
// allocating: this type does not.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>

#include "common/status.h"

namespace edgepix::image {

struct FreeDeleter {
  void operator()(void* p) const { std::free(p); }
};

// The transparent huge page size of x86-64 and arm64 with 4 KiB pages.
inline constexpr size_t kHugePageBytes = size_t{2} << 20;

// Advises the whole huge pages inside [p, p + n) to transparent huge pages
// (advice only: a kernel without THP, or one that refuses, changes nothing).
void AdviseHugePageRange(void* p, size_t n);

// Asks the kernel to back the 2 MB-aligned part of a large buffer (one glibc
// maps afresh and unmaps at free: kRetainedBlockBytes, its mmap threshold,
// and more) with transparent huge pages where THP is in "madvise" mode: the
// decode buffer of a whole 12 MP photo is then a few dozen page faults
// instead of ~9,000. Smaller buffers, and systems without THP, are left as
// they are.
void AdviseHugePages(void* p, size_t n);

struct PixelBuffer {
  int width = 0;
  int height = 0;
  int channels = 0;  // 3 (RGB) or 4 (RGBA, not premultiplied)
  std::unique_ptr<uint8_t, FreeDeleter> data;

  size_t stride() const { return static_cast<size_t>(width) * channels; }
  size_t size() const { return stride() * height; }
  uint8_t* pixels() { return data.get(); }
  const uint8_t* pixels() const { return data.get(); }
  uint8_t* row(int y) { return data.get() + stride() * y; }
  const uint8_t* row(int y) const { return data.get() + stride() * y; }
  bool has_alpha() const { return channels == 4; }

  static Result<PixelBuffer> Allocate(int w, int h, int c) {
    PixelBuffer b;
    b.width = w;
    b.height = h;
    b.channels = c;
    size_t n = b.size();
    b.data.reset(static_cast<uint8_t*>(std::malloc(n ? n : 1)));
    if (!b.data) return Status::Error(ErrorCode::kInternal, "out of memory for pixel buffer");
    AdviseHugePages(b.data.get(), n);
    return b;
  }
  // Takes ownership of malloc'd pixels.
  static PixelBuffer Adopt(uint8_t* p, int w, int h, int c) {
    PixelBuffer b;
    b.width = w;
    b.height = h;
    b.channels = c;
    b.data.reset(p);
    return b;
  }
};

// True if any pixel of an RGBA buffer has alpha < 255 (false for RGB).
bool AnyTransparent(const PixelBuffer& b);
// RGBA -> RGB in place (drops alpha); no-op for RGB buffers.
void DropAlphaInPlace(PixelBuffer& b);

}  // namespace edgepix::image
