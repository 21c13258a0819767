// Bounds-safe little/big-endian readers over a string_view. Callers check
// `Has(offset, n)` first; the readers themselves assume the range is valid.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace edgepix::image {

inline bool Has(std::string_view s, size_t off, size_t n) {
  return off <= s.size() && n <= s.size() - off;
}
inline uint8_t U8(std::string_view s, size_t o) { return static_cast<uint8_t>(s[o]); }
inline uint16_t Be16(std::string_view s, size_t o) {
  return uint16_t(U8(s, o) << 8 | U8(s, o + 1));
}
inline uint32_t Be32(std::string_view s, size_t o) {
  return uint32_t(U8(s, o)) << 24 | uint32_t(U8(s, o + 1)) << 16 | uint32_t(U8(s, o + 2)) << 8 |
         U8(s, o + 3);
}
inline uint16_t Le16(std::string_view s, size_t o) {
  return uint16_t(U8(s, o) | U8(s, o + 1) << 8);
}
inline uint32_t Le24(std::string_view s, size_t o) {
  return uint32_t(U8(s, o)) | uint32_t(U8(s, o + 1)) << 8 | uint32_t(U8(s, o + 2)) << 16;
}
inline uint32_t Le32(std::string_view s, size_t o) {
  return Le24(s, o) | uint32_t(U8(s, o + 3)) << 24;
}

}  // namespace edgepix::image
