// Test fixtures the tests make themselves: temp directories and small images
// (JPEG with an EXIF orientation/GPS block, PNG with alpha, BMP, GIF, WebP,
// truncated files, headers that claim absurd sizes). No file is read from the
// repository or the corpus here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace edgepix::testing {

// A fresh directory under $TMPDIR, removed (recursively) on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string Join(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// RGB pixels w*h*3: a left-to-right red ramp, top-to-bottom green ramp and a
// blue square in the top-left quarter, so orientation and crops can be checked.
std::vector<uint8_t> TestPatternRgb(int w, int h);

struct ExifFields {
  int orientation = 0;  // 0 = no Orientation tag
  std::string make;
  std::string model;
  std::string date_time_original;  // "YYYY:MM:DD HH:MM:SS"
  bool with_gps = false;
  double lat = 0, lon = 0;  // signed decimal degrees
};

// Baseline JPEG of the test pattern, quality 90, optional EXIF APP1.
std::string MakeJpeg(int w, int h, const ExifFields& exif = {}, bool progressive = false);
// A photo-sized JPEG of at least `min_bytes`: the test pattern under
// deterministic noise, quality 100, 4:4:4 (grown until it is that large).
std::string MakeLargeJpeg(size_t min_bytes);
// PNG; with_alpha gives an RGBA image whose right half is fully transparent
// (and coloured pure green underneath, to detect colour bleeding).
std::string MakePng(int w, int h, bool with_alpha = false);
std::string MakeBmp(int w, int h);
// One-frame 2-colour GIF87a.
std::string MakeGif(int w, int h);
// Lossy WebP (or lossless if `lossless`), RGBA if with_alpha.
std::string MakeWebp(int w, int h, bool with_alpha = false, bool lossless = false);
// A PNG whose IHDR claims w x h (valid CRC) but has almost no data.
std::string MakePngHeaderOnly(uint32_t w, uint32_t h);

std::string ReadFileOrDie(const std::string& path);
void WriteFileOrDie(const std::string& path, const std::string& data);

}  // namespace edgepix::testing
