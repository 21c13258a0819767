// Shared body of the per-decoder fuzz targets: the same steps ProcessImage
// takes before any resize (sniff, header, CheckHeader, decode), restricted to one
// format so each target's corpus and coverage stay focused on its decoder.
//
// Inputs of another format return -1 (libFuzzer keeps them out of the
// corpus). The limits are far below production's so that every unit runs in
// milliseconds and any allocation above -malloc_limit_mb means a size that was
// not checked against the header: that is a finding, not noise.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "image/decode.h"
#include "image/header.h"
#include "image/pipeline.h"

namespace edgepix::fuzz {

// 0.25 MP (a decoded RGBA buffer is at most 1 MiB): a 1 MP GIF or PNG takes
// about a second per unit under the sanitizers, which would starve the
// fuzzer. Allocations do not scale with this limit unless unchecked.
inline image::Limits FuzzLimits() {
  image::Limits l;
  l.max_pixels = 1u << 18;
  l.max_side = 4096;
  return l;
}

// Reads every byte of the decoded buffer, so a buffer shorter than
// width*height*channels shows up as an ASan heap overflow here.
inline void TouchPixels(const image::PixelBuffer& b) {
  if (b.width <= 0 || b.height <= 0 || (b.channels != 3 && b.channels != 4) || !b.pixels()) {
    std::abort();  // a decoder returned OK with an impossible buffer
  }
  unsigned sum = 0;
  const uint8_t* p = b.pixels();
  for (size_t i = 0, n = b.size(); i < n; ++i) sum += p[i];
  // Keep the loop from being optimised away.
  volatile unsigned sink = sum;
  (void)sink;
}

// The minimum size asked of shrink-on-load decoders, varied by input length
// so the scaled paths (1/8 .. 1/1) all get exercised.
inline void ChooseMinSize(const image::HeaderInfo& h, size_t size, int* min_w, int* min_h) {
  static const int kDiv[] = {1, 2, 5, 9};
  int d = kDiv[size % 4];
  *min_w = h.probe.width / d > 0 ? h.probe.width / d : 1;
  *min_h = h.probe.height / d > 0 ? h.probe.height / d : 1;
}

template <typename DecodeFn>
int FuzzOneDecoder(image::Format want, const uint8_t* data, size_t size, DecodeFn decode) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (image::SniffFormat(bytes) != want) return -1;
  auto header = image::ReadHeader(bytes, /*want_metadata=*/true);
  if (!header.ok()) return 0;
  if (header->probe.format != want) std::abort();  // sniff and header disagree
  if (!image::CheckHeader(*header, FuzzLimits()).ok()) return 0;
  int min_w = 1, min_h = 1;
  ChooseMinSize(*header, size, &min_w, &min_h);
  Result<image::PixelBuffer> px = decode(bytes, *header, min_w, min_h);
  if (px.ok()) {
    TouchPixels(*px);
    // Never larger than the header says (decoders may shrink on load).
    if (px->width > header->probe.width || px->height > header->probe.height) std::abort();
  } else if (px.status().code() == ErrorCode::kInternal) {
    std::abort();  // hostile input must be refused as undecodable/unsupported
  }
  return 0;
}

}  // namespace edgepix::fuzz
