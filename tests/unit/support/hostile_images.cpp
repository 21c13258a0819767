#include "unit/support/hostile_images.h"

#include <lcms2.h>
#include <zlib.h>

#include <stdexcept>
#include <vector>

#include "unit/support/fixtures.h"

namespace edgepix::testing {
namespace {

void PutBe32(std::string& s, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) s.push_back(char((v >> shift) & 0xFF));
}

void AppendChunk(std::string& png, const std::string& type, const std::string& data) {
  PutBe32(png, static_cast<uint32_t>(data.size()));
  std::string body = type + data;
  png += body;
  PutBe32(png, static_cast<uint32_t>(
                   crc32(0, reinterpret_cast<const Bytef*>(body.data()), uInt(body.size()))));
}

std::string Ihdr(uint32_t w, uint32_t h, int depth, int color, bool interlaced) {
  std::string ihdr;
  PutBe32(ihdr, w);
  PutBe32(ihdr, h);
  ihdr += char(depth);
  ihdr += char(color);
  ihdr += std::string("\0\0", 2);
  ihdr += char(interlaced ? 1 : 0);
  return ihdr;
}

std::string Deflate(const std::string& raw) {
  uLongf n = compressBound(uLong(raw.size()));
  std::string out(n, '\0');
  if (compress2(reinterpret_cast<Bytef*>(out.data()), &n,
                reinterpret_cast<const Bytef*>(raw.data()), uLong(raw.size()), 6) != Z_OK) {
    throw std::runtime_error("zlib compress failed");
  }
  out.resize(n);
  return out;
}

void PutLe16(std::string& s, size_t at, int v) {
  s[at] = char(v & 0xFF);
  s[at + 1] = char((v >> 8) & 0xFF);
}

}  // namespace

std::string MakePngHeader(uint32_t w, uint32_t h, int depth, int color, bool interlaced) {
  std::string png("\x89PNG\r\n\x1a\n", 8);
  AppendChunk(png, "IHDR", Ihdr(w, h, depth, color, interlaced));
  if (color == 3) AppendChunk(png, "PLTE", std::string(3, '\0'));
  AppendChunk(png, "IDAT", std::string("\x78\x9c\x01\x00\x00\xff\xff", 7));
  AppendChunk(png, "IEND", "");
  return png;
}

std::string MakeFlatPng(int w, int h, int depth, int color, uint16_t sample,
                        const std::string& icc) {
  const int channels = color == 6 ? 4 : 3;
  const int bytes_per_sample = depth / 8;
  std::string row(1, '\0');  // filter: none
  for (int i = 0; i < w * channels; ++i) {
    if (bytes_per_sample == 2) row += char(sample >> 8);
    row += char(sample & 0xFF);
  }
  std::string raw;
  raw.reserve(row.size() * size_t(h));
  for (int y = 0; y < h; ++y) raw += row;
  std::string png("\x89PNG\r\n\x1a\n", 8);
  AppendChunk(png, "IHDR", Ihdr(uint32_t(w), uint32_t(h), depth, color, false));
  if (!icc.empty()) AppendChunk(png, "iCCP", std::string("linear\0\0", 8) + Deflate(icc));
  AppendChunk(png, "IDAT", Deflate(raw));
  AppendChunk(png, "IEND", "");
  return png;
}

std::string MakeGifWithFrame(int screen_w, int screen_h, int left, int top, int frame_w,
                             int frame_h) {
  // MakeGif's layout: 13-byte header + 6-byte palette, then the image
  // descriptor (',' left top width height) at offset 19.
  std::string g = MakeGif(frame_w, frame_h);
  PutLe16(g, 6, screen_w);
  PutLe16(g, 8, screen_h);
  if (g[19] != ',') throw std::runtime_error("unexpected GIF layout");
  PutLe16(g, 20, left);
  PutLe16(g, 22, top);
  return g;
}

std::string MakeLinearRgbIccProfile() {
  cmsCIExyY d65;
  cmsWhitePointFromTemp(&d65, 6504);
  cmsCIExyYTRIPLE srgb_primaries = {
      {0.6400, 0.3300, 1.0}, {0.3000, 0.6000, 1.0}, {0.1500, 0.0600, 1.0}};
  cmsToneCurve* linear = cmsBuildGamma(nullptr, 1.0);
  cmsToneCurve* curves[3] = {linear, linear, linear};
  cmsHPROFILE p = cmsCreateRGBProfile(&d65, &srgb_primaries, curves);
  cmsFreeToneCurve(linear);
  if (!p) throw std::runtime_error("lcms2: cannot make the profile");
  cmsUInt32Number n = 0;
  cmsSaveProfileToMem(p, nullptr, &n);
  std::string out(n, '\0');
  bool ok = cmsSaveProfileToMem(p, out.data(), &n);
  cmsCloseProfile(p);
  if (!ok) throw std::runtime_error("lcms2: cannot save the profile");
  return out;
}

}  // namespace edgepix::testing
