// QR codes from common/qr_code.h: the terminal drawing holds exactly the code's
// modules, and both drawings decode with zbarimg (Debian zbar-tools, a decoder
// we did not write) to the text that was encoded.
#include "common/qr_code.h"

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "unit/support/fixtures.h"
#include "unit/support/skip.h"

using namespace edgepix;

namespace {

const std::string kLink = "http://192.168.1.20:8080/?g=0123456789abcdef0123456789abcdef";

// The half-block drawing read back: light = true, per module, quiet zone included.
std::vector<std::vector<bool>> ReadHalfBlocks(const std::string& text) {
  std::vector<std::vector<bool>> rows;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    const std::string start = "\x1b[97;40m", stop = "\x1b[0m";
    REQUIRE(line.rfind(start, 0) == 0);
    REQUIRE(line.size() >= start.size() + stop.size());
    line = line.substr(start.size(), line.size() - start.size() - stop.size());
    std::vector<bool> top, bottom;
    for (size_t i = 0; i < line.size();) {
      if (line[i] == ' ') {
        top.push_back(false), bottom.push_back(false), i += 1;
        continue;
      }
      const std::string glyph = line.substr(i, 3);
      top.push_back(glyph == "\xe2\x96\x88" || glyph == "\xe2\x96\x80");
      bottom.push_back(glyph == "\xe2\x96\x88" || glyph == "\xe2\x96\x84");
      i += 3;
    }
    rows.push_back(top);
    rows.push_back(bottom);
  }
  return rows;
}

std::string Run(const std::string& command) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (!p) return out;
  char buf[512];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  ::pclose(p);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

bool Have(const char* tool) {
  return std::system((std::string("command -v ") + tool + " >/dev/null 2>&1").c_str()) == 0;
}

}  // namespace

TEST_CASE("the terminal drawing of a QR code holds its modules, quiet zone around") {
  auto qr = EncodeQr(kLink);
  REQUIRE(qr.ok());
  CHECK(qr->size >= 21);
  CHECK((qr->size - 17) % 4 == 0);  // version v is 17 + 4v modules
  const auto rows = ReadHalfBlocks(QrHalfBlocks(*qr));
  const int side = qr->size + 2 * kQrQuietZone;
  REQUIRE(static_cast<int>(rows.size()) >= side);
  for (int y = 0; y < side; ++y) {
    REQUIRE(static_cast<int>(rows[y].size()) == side);
    for (int x = 0; x < side; ++x) {
      INFO(x << "," << y);
      CHECK(rows[y][x] == !qr->Dark(x - kQrQuietZone, y - kQrQuietZone));
    }
  }
  CHECK_FALSE(EncodeQr("").ok());
  CHECK_FALSE(EncodeQr(std::string(8000, 'x')).ok());
}

TEST_CASE("zbarimg decodes the terminal drawing and the SVG to the link") {
  if (!Have("zbarimg") || !Have("rsvg-convert")) {
    testing::Skip("zbarimg (zbar-tools) or rsvg-convert (librsvg2-bin) is not installed");
    return;
  }
  testing::TempDir dir;
  auto qr = EncodeQr(kLink);
  REQUIRE(qr.ok());

  // The half blocks as a picture, 8 pixels a module: light modules white.
  const auto rows = ReadHalfBlocks(QrHalfBlocks(*qr));
  const int side = qr->size + 2 * kQrQuietZone, scale = 8;
  {
    std::ofstream pgm(dir.Join("term.pgm"), std::ios::binary);
    pgm << "P5\n" << side * scale << " " << side * scale << "\n255\n";
    for (int y = 0; y < side * scale; ++y) {
      for (int x = 0; x < side * scale; ++x) {
        pgm.put(rows[y / scale][x / scale] ? static_cast<char>(255) : 0);
      }
    }
  }
  CHECK(Run("zbarimg --raw -q " + dir.Join("term.pgm") + " 2>/dev/null") == kLink);

  {
    std::ofstream svg(dir.Join("qr.svg"), std::ios::binary);
    svg << QrSvg(*qr);
  }
  REQUIRE(Run("rsvg-convert -w 600 -h 600 -o " + dir.Join("qr.png") + " " + dir.Join("qr.svg") +
              " && echo ok") == "ok");
  CHECK(Run("zbarimg --raw -q " + dir.Join("qr.png") + " 2>/dev/null") == kLink);
}
