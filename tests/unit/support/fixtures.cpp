#include "unit/support/fixtures.h"

#include <stb/stb_image_write.h>
#include <turbojpeg.h>
#include <webp/encode.h>
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace edgepix::testing {

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/edgepix-test-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (!mkdtemp(buf.data())) throw std::runtime_error("mkdtemp failed");
  path_ = buf.data();
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::vector<uint8_t> TestPatternRgb(int w, int h) {
  std::vector<uint8_t> px(static_cast<size_t>(w) * h * 3);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      uint8_t* p = &px[(static_cast<size_t>(y) * w + x) * 3];
      p[0] = static_cast<uint8_t>(w > 1 ? x * 255 / (w - 1) : 0);
      p[1] = static_cast<uint8_t>(h > 1 ? y * 255 / (h - 1) : 0);
      p[2] = (x < w / 2 && y < h / 2) ? 255 : 0;
    }
  }
  return px;
}

namespace {

// Little-endian TIFF writer for the EXIF block.
struct TiffWriter {
  std::string out;
  void U16(uint16_t v) {
    out.push_back(char(v & 0xff));
    out.push_back(char(v >> 8));
  }
  void U32(uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(char((v >> (8 * i)) & 0xff));
  }
};

struct IfdEntry {
  uint16_t tag, type;
  uint32_t count;
  std::string data;  // raw value bytes (LE)
};

std::string Rational(uint32_t num, uint32_t den) {
  TiffWriter w;
  w.U32(num);
  w.U32(den);
  return w.out;
}

// Serialises IFDs laid out one after another starting at `offset` (from TIFF header).
std::string WriteIfd(const std::vector<IfdEntry>& entries, uint32_t offset, uint32_t next_ifd) {
  TiffWriter w;
  uint32_t data_off = offset + 2 + 12 * static_cast<uint32_t>(entries.size()) + 4;
  std::string data_area;
  w.U16(static_cast<uint16_t>(entries.size()));
  for (const auto& e : entries) {
    w.U16(e.tag);
    w.U16(e.type);
    w.U32(e.count);
    if (e.data.size() <= 4) {
      std::string v = e.data;
      v.resize(4, '\0');
      w.out += v;
    } else {
      w.U32(data_off + static_cast<uint32_t>(data_area.size()));
      data_area += e.data;
      if (data_area.size() % 2) data_area.push_back('\0');
    }
  }
  w.U32(next_ifd);
  return w.out + data_area;
}

uint32_t IfdSize(const std::vector<IfdEntry>& entries) {
  return static_cast<uint32_t>(WriteIfd(entries, 0, 0).size());
}

std::string Ascii(const std::string& s) { return s + std::string(1, '\0'); }

std::string MakeExifApp1(const ExifFields& f) {
  std::vector<IfdEntry> ifd0, exif_ifd, gps_ifd;
  auto short_val = [](uint16_t v) {
    TiffWriter w;
    w.U16(v);
    return w.out;
  };
  auto long_val = [](uint32_t v) {
    TiffWriter w;
    w.U32(v);
    return w.out;
  };
  if (!f.make.empty()) ifd0.push_back({0x010F, 2, uint32_t(f.make.size() + 1), Ascii(f.make)});
  if (!f.model.empty()) ifd0.push_back({0x0110, 2, uint32_t(f.model.size() + 1), Ascii(f.model)});
  if (f.orientation) ifd0.push_back({0x0112, 3, 1, short_val(uint16_t(f.orientation))});
  if (!f.date_time_original.empty())
    exif_ifd.push_back(
        {0x9003, 2, uint32_t(f.date_time_original.size() + 1), Ascii(f.date_time_original)});
  if (f.with_gps) {
    auto dms = [](double v) {
      v = std::abs(v);
      uint32_t d = uint32_t(v);
      double m_full = (v - d) * 60;
      uint32_t m = uint32_t(m_full);
      uint32_t s100 = uint32_t(std::lround((m_full - m) * 60 * 100));
      return Rational(d, 1) + Rational(m, 1) + Rational(s100, 100);
    };
    gps_ifd.push_back({0x0001, 2, 2, Ascii(f.lat < 0 ? "S" : "N")});
    gps_ifd.push_back({0x0002, 5, 3, dms(f.lat)});
    gps_ifd.push_back({0x0003, 2, 2, Ascii(f.lon < 0 ? "W" : "E")});
    gps_ifd.push_back({0x0004, 5, 3, dms(f.lon)});
  }
  // Pointer entries get their offsets after sizes are known.
  if (!exif_ifd.empty()) ifd0.push_back({0x8769, 4, 1, long_val(0)});
  if (f.with_gps) ifd0.push_back({0x8825, 4, 1, long_val(0)});
  uint32_t ifd0_off = 8;
  uint32_t next = ifd0_off + IfdSize(ifd0);
  uint32_t exif_off = next;
  if (!exif_ifd.empty()) next += IfdSize(exif_ifd);
  uint32_t gps_off = next;
  for (auto& e : ifd0) {
    if (e.tag == 0x8769) e.data = long_val(exif_off);
    if (e.tag == 0x8825) e.data = long_val(gps_off);
  }
  TiffWriter hdr;
  hdr.out = "II";
  hdr.U16(42);
  hdr.U32(ifd0_off);
  std::string tiff = hdr.out + WriteIfd(ifd0, ifd0_off, 0);
  if (!exif_ifd.empty()) tiff += WriteIfd(exif_ifd, exif_off, 0);
  if (f.with_gps) tiff += WriteIfd(gps_ifd, gps_off, 0);
  std::string payload = std::string("Exif\0\0", 6) + tiff;
  std::string seg = "\xFF\xE1";
  uint16_t len = static_cast<uint16_t>(payload.size() + 2);
  seg.push_back(char(len >> 8));
  seg.push_back(char(len & 0xff));
  return seg + payload;
}

void AppendToString(void* ctx, void* data, int size) {
  static_cast<std::string*>(ctx)->append(static_cast<const char*>(data), size);
}

void PutBe32(std::string& s, uint32_t v) {
  for (int i = 3; i >= 0; --i) s.push_back(char((v >> (8 * i)) & 0xff));
}

}  // namespace

std::string MakeJpeg(int w, int h, const ExifFields& exif, bool progressive) {
  auto px = TestPatternRgb(w, h);
  tjhandle tj = tjInitCompress();
  unsigned char* buf = nullptr;
  unsigned long size = 0;
  int flags = progressive ? TJFLAG_PROGRESSIVE : 0;
  if (tjCompress2(tj, px.data(), w, 0, h, TJPF_RGB, &buf, &size, TJSAMP_420, 90, flags) != 0) {
    tjDestroy(tj);
    throw std::runtime_error("tjCompress2 failed");
  }
  std::string jpeg(reinterpret_cast<char*>(buf), size);
  tjFree(buf);
  tjDestroy(tj);
  bool any = exif.orientation || !exif.make.empty() || !exif.model.empty() ||
             !exif.date_time_original.empty() || exif.with_gps;
  if (any) jpeg.insert(2, MakeExifApp1(exif));
  return jpeg;
}

std::string MakeLargeJpeg(size_t min_bytes) {
  for (int w = 1200;; w += w / 2) {
    const int h = w * 2 / 3;
    auto px = TestPatternRgb(w, h);
    uint32_t seed = 12345;
    for (auto& v : px) {
      seed = seed * 1664525u + 1013904223u;
      v = static_cast<uint8_t>(
          std::clamp(static_cast<int>(v) + static_cast<int>(seed >> 26) - 32, 0, 255));
    }
    tjhandle tj = tjInitCompress();
    unsigned char* buf = nullptr;
    unsigned long size = 0;
    if (tjCompress2(tj, px.data(), w, 0, h, TJPF_RGB, &buf, &size, TJSAMP_444, 100, 0) != 0) {
      tjDestroy(tj);
      throw std::runtime_error("tjCompress2 failed");
    }
    std::string jpeg(reinterpret_cast<char*>(buf), size);
    tjFree(buf);
    tjDestroy(tj);
    if (jpeg.size() >= min_bytes) return jpeg;
  }
}

std::string MakePng(int w, int h, bool with_alpha) {
  auto rgb = TestPatternRgb(w, h);
  std::string out;
  if (!with_alpha) {
    stbi_write_png_to_func(AppendToString, &out, w, h, 3, rgb.data(), w * 3);
    return out;
  }
  std::vector<uint8_t> rgba(static_cast<size_t>(w) * h * 4);
  for (size_t i = 0; i < static_cast<size_t>(w) * h; ++i) {
    bool right = static_cast<int>(i % w) >= w / 2;
    rgba[i * 4 + 0] = right ? 0 : rgb[i * 3 + 0];
    rgba[i * 4 + 1] = right ? 255 : rgb[i * 3 + 1];
    rgba[i * 4 + 2] = right ? 0 : rgb[i * 3 + 2];
    rgba[i * 4 + 3] = right ? 0 : 255;
  }
  stbi_write_png_to_func(AppendToString, &out, w, h, 4, rgba.data(), w * 4);
  return out;
}

std::string MakeBmp(int w, int h) {
  auto rgb = TestPatternRgb(w, h);
  std::string out;
  stbi_write_bmp_to_func(AppendToString, &out, w, h, 3, rgb.data());
  return out;
}

std::string MakeGif(int w, int h) {
  // GIF87a, global palette of 2 colours, LZW min code size 2, image of all colour 1,
  // coded as clear codes + literal runs (valid, if not compact).
  std::string g = "GIF87a";
  g.push_back(char(w & 0xff));
  g.push_back(char(w >> 8));
  g.push_back(char(h & 0xff));
  g.push_back(char(h >> 8));
  g.push_back(char(0x80));  // global colour table, 2 entries
  g.push_back(0);
  g.push_back(0);
  g += std::string("\x00\x00\x00\xff\x80\x00", 6);  // black, orange
  g += ',';
  g += std::string(4, '\0');
  g.push_back(char(w & 0xff));
  g.push_back(char(w >> 8));
  g.push_back(char(h & 0xff));
  g.push_back(char(h >> 8));
  g.push_back(0);
  g.push_back(2);  // LZW minimum code size
  // Emit codes of 3 bits: clear(4) then pixel(1) and a clear every 2 pixels so width stays 3.
  std::string data;
  uint32_t acc = 0;
  int nbits = 0;
  auto emit = [&](uint32_t code) {
    acc |= code << nbits;
    nbits += 3;
    while (nbits >= 8) {
      data.push_back(char(acc & 0xff));
      acc >>= 8;
      nbits -= 8;
    }
  };
  long total = static_cast<long>(w) * h;
  for (long i = 0; i < total; ++i) {
    if (i % 2 == 0) emit(4);
    emit(1);
  }
  emit(5);  // end of information
  if (nbits > 0) data.push_back(char(acc & 0xff));
  for (size_t i = 0; i < data.size(); i += 255) {
    size_t n = std::min<size_t>(255, data.size() - i);
    g.push_back(char(n));
    g += data.substr(i, n);
  }
  g.push_back(0);
  g.push_back(';');
  return g;
}

std::string MakeWebp(int w, int h, bool with_alpha, bool lossless) {
  auto rgb = TestPatternRgb(w, h);
  uint8_t* out = nullptr;
  size_t size = 0;
  if (with_alpha) {
    std::vector<uint8_t> rgba(static_cast<size_t>(w) * h * 4);
    for (size_t i = 0; i < static_cast<size_t>(w) * h; ++i) {
      std::memcpy(&rgba[i * 4], &rgb[i * 3], 3);
      rgba[i * 4 + 3] = static_cast<int>(i % w) >= w / 2 ? 0 : 255;
    }
    size = lossless ? WebPEncodeLosslessRGBA(rgba.data(), w, h, w * 4, &out)
                    : WebPEncodeRGBA(rgba.data(), w, h, w * 4, 90, &out);
  } else {
    size = lossless ? WebPEncodeLosslessRGB(rgb.data(), w, h, w * 3, &out)
                    : WebPEncodeRGB(rgb.data(), w, h, w * 3, 90, &out);
  }
  if (!size) throw std::runtime_error("WebP encode failed");
  std::string s(reinterpret_cast<char*>(out), size);
  WebPFree(out);
  return s;
}

std::string MakePngHeaderOnly(uint32_t w, uint32_t h) {
  std::string png("\x89PNG\r\n\x1a\n", 8);
  std::string ihdr = "IHDR";
  PutBe32(ihdr, w);
  PutBe32(ihdr, h);
  ihdr += std::string("\x08\x02\x00\x00\x00", 5);  // 8-bit RGB
  PutBe32(png, 13);
  png += ihdr;
  PutBe32(png, static_cast<uint32_t>(
                   crc32(0, reinterpret_cast<const Bytef*>(ihdr.data()), ihdr.size())));
  // An IDAT with a few bytes of garbage and IEND.
  std::string idat = "IDAT";
  idat += std::string("\x78\x9c\x01\x00\x00\xff\xff", 7);
  PutBe32(png, 7);
  png += idat;
  PutBe32(png, static_cast<uint32_t>(
                   crc32(0, reinterpret_cast<const Bytef*>(idat.data()), idat.size())));
  PutBe32(png, 0);
  png += "IEND";
  PutBe32(png, 0xAE426082u);
  return png;
}

std::string ReadFileOrDie(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFileOrDie(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace edgepix::testing
