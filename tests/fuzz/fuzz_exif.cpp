// libFuzzer target: EXIF (TIFF block) parsing with libexif plus our field
// extraction, and the text helpers it relies on. Checks the contract of
// exif.h: orientation 1..8, strings printable UTF-8 and capped, GPS finite.
#include <cmath>
#include <cstdlib>
#include <string>
#include <string_view>

#include "image/exif.h"

namespace {

bool ValidText(const std::string& s, size_t max_len) {
  if (s.size() > max_len) return false;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c < 0x20 || c == 0x7F) return false;
      ++i;
      continue;
    }
    int n = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (n == 0 || c < 0xC2 || c > 0xF4 || i + n > s.size()) return false;
    for (int k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace edgepix::image;
  std::string_view in(reinterpret_cast<const char*>(data), size);

  ImageMetadata md = ParseExif(in);
  Check(md.orientation >= 1 && md.orientation <= 8);
  if (md.camera_make) Check(!md.camera_make->empty() && ValidText(*md.camera_make, 128));
  if (md.camera_model) Check(!md.camera_model->empty() && ValidText(*md.camera_model, 128));
  if (md.taken_at) Check(md.taken_at->size() == 19 && (*md.taken_at)[10] == 'T');
  if (md.gps) {
    Check(std::isfinite(md.gps->lat) && std::isfinite(md.gps->lon));
    Check(std::fabs(md.gps->lat) <= 90.0 && std::fabs(md.gps->lon) <= 180.0);
  }

  // The helpers on raw bytes: SanitizeText with a length cap from the input.
  size_t cap = size ? data[0] % 64 : 0;
  std::string clean = SanitizeText(in, cap);
  Check(ValidText(clean, cap));
  std::string iso = ExifDateToIso(in);
  Check(iso.empty() || iso.size() == 19);
  return 0;
}
