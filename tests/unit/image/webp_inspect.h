// Test helpers: decode a WebP produced by the pipeline and list its RIFF
// chunks, using libwebp directly (the real decoder, not our code).
#pragma once

#include <webp/decode.h>

#include <cstdint>
#include <string>
#include <vector>

namespace edgepix::testing {

struct DecodedWebp {
  int width = 0, height = 0;
  std::vector<uint8_t> rgba;  // width*height*4
  bool ok() const { return width > 0; }
  const uint8_t* at(int x, int y) const { return &rgba[(size_t(y) * width + x) * 4]; }
};

inline DecodedWebp DecodeWebpRgba(const std::string& webp) {
  DecodedWebp d;
  int w = 0, h = 0;
  uint8_t* p = WebPDecodeRGBA(reinterpret_cast<const uint8_t*>(webp.data()), webp.size(), &w, &h);
  if (!p) return d;
  d.width = w;
  d.height = h;
  d.rgba.assign(p, p + size_t(w) * h * 4);
  WebPFree(p);
  return d;
}

// FourCCs of the top-level chunks after "RIFF....WEBP"; empty if malformed.
inline std::vector<std::string> RiffChunks(const std::string& webp) {
  std::vector<std::string> out;
  if (webp.size() < 12 || webp.compare(0, 4, "RIFF") != 0 || webp.compare(8, 4, "WEBP") != 0) {
    return out;
  }
  size_t p = 12;
  while (p + 8 <= webp.size()) {
    uint32_t len = uint8_t(webp[p + 4]) | uint8_t(webp[p + 5]) << 8 | uint8_t(webp[p + 6]) << 16 |
                   uint32_t(uint8_t(webp[p + 7])) << 24;
    out.push_back(webp.substr(p, 4));
    p += 8 + len + (len & 1);
  }
  return out;
}

inline bool HasAlphaFeature(const std::string& webp) {
  WebPBitstreamFeatures f;
  if (WebPGetFeatures(reinterpret_cast<const uint8_t*>(webp.data()), webp.size(), &f) !=
      VP8_STATUS_OK) {
    return false;
  }
  return f.has_alpha;
}

}  // namespace edgepix::testing
