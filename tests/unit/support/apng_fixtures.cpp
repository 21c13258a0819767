#include "unit/support/apng_fixtures.h"

#include <zlib.h>

#include <stdexcept>

namespace edgepix::testing {
namespace {

void Be32(std::string& out, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out.push_back(char(v >> s));
}
void Be16(std::string& out, uint16_t v) {
  out.push_back(char(v >> 8));
  out.push_back(char(v));
}

void Chunk(std::string& out, const char* type, const std::string& data) {
  Be32(out, uint32_t(data.size()));
  std::string body = std::string(type, 4) + data;
  out += body;
  Be32(out, uint32_t(crc32(0, reinterpret_cast<const Bytef*>(body.data()), uInt(body.size()))));
}

// Filter type 0 rows, deflated.
std::string Deflate(int w, int h, const std::vector<uint8_t>& rgba) {
  std::string raw;
  for (int y = 0; y < h; ++y) {
    raw.push_back('\0');
    raw.append(reinterpret_cast<const char*>(rgba.data()) + size_t(y) * w * 4, size_t(w) * 4);
  }
  uLongf len = compressBound(uLong(raw.size()));
  std::string z(len, '\0');
  if (compress2(reinterpret_cast<Bytef*>(z.data()), &len,
                reinterpret_cast<const Bytef*>(raw.data()), uLong(raw.size()), 6) != Z_OK) {
    throw std::runtime_error("deflate failed");
  }
  z.resize(len);
  return z;
}

std::vector<uint8_t> Pixels(const ApngFrameSpec& f) {
  if (!f.rgba.empty()) return f.rgba;
  std::vector<uint8_t> px(size_t(f.width) * f.height * 4);
  for (size_t i = 0; i < px.size(); i += 4) {
    px[i] = uint8_t(f.colour >> 24);
    px[i + 1] = uint8_t(f.colour >> 16);
    px[i + 2] = uint8_t(f.colour >> 8);
    px[i + 3] = uint8_t(f.colour);
  }
  return px;
}

}  // namespace

std::string MakeApng(const ApngSpec& spec) {
  std::string out("\x89PNG\r\n\x1a\n", 8);
  std::string ihdr;
  Be32(ihdr, uint32_t(spec.width));
  Be32(ihdr, uint32_t(spec.height));
  ihdr += std::string("\x08\x06\x00\x00\x00", 5);  // 8-bit RGBA, not interlaced
  Chunk(out, "IHDR", ihdr);
  std::string actl;
  Be32(actl, uint32_t(spec.frames.size()));
  Be32(actl, spec.plays);
  Chunk(out, "acTL", actl);
  uint32_t seq = 0;
  if (spec.hidden_default) {
    std::vector<uint8_t> grey(size_t(spec.width) * spec.height * 4, 128);
    Chunk(out, "IDAT", Deflate(spec.width, spec.height, grey));
  }
  for (size_t i = 0; i < spec.frames.size(); ++i) {
    const ApngFrameSpec& f = spec.frames[i];
    std::string fctl;
    Be32(fctl, seq++);
    Be32(fctl, uint32_t(f.width));
    Be32(fctl, uint32_t(f.height));
    Be32(fctl, uint32_t(f.x));
    Be32(fctl, uint32_t(f.y));
    Be16(fctl, f.delay_num);
    Be16(fctl, f.delay_den);
    fctl.push_back(char(f.dispose));
    fctl.push_back(char(f.blend));
    Chunk(out, "fcTL", fctl);
    const std::string z = Deflate(f.width, f.height, Pixels(f));
    if (i == 0 && !spec.hidden_default) {
      Chunk(out, "IDAT", z);
    } else {
      std::string fdat;
      Be32(fdat, seq++);
      Chunk(out, "fdAT", fdat + z);
    }
  }
  Chunk(out, "IEND", "");
  return out;
}

std::string MakeSimpleApng(int w, int h, int frames, int delay_ms) {
  ApngSpec spec;
  spec.width = w;
  spec.height = h;
  for (int i = 0; i < frames; ++i) {
    ApngFrameSpec f;
    f.width = w;
    f.height = h;
    f.delay_num = uint16_t(delay_ms);
    f.delay_den = 1000;
    f.colour = (uint32_t(40 + 50 * (i % 5)) << 24) | (uint32_t(200 - 30 * (i % 6)) << 16) |
               (uint32_t(17 * i % 256) << 8) | 0xff;
    spec.frames.push_back(f);
  }
  return MakeApng(spec);
}

}  // namespace edgepix::testing
