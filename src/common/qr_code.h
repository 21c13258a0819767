// QrCode: a text (a URL) as a QR code, made with libqrencode (8-bit mode,
// error correction level M), and two drawings of it: UTF-8 half blocks for a
// terminal and an SVG for a browser. Both include the 4-module quiet zone a
// scanner needs and draw dark modules dark on a light ground. Pure functions;
// thread-safe (libqrencode's QRcode_encodeString8bit is reentrant).
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace edgepix {

struct QrCode {
  int size = 0;            // modules per side, without the quiet zone
  std::vector<bool> dark;  // size * size, row by row
  bool Dark(int x, int y) const {
    return x >= 0 && y >= 0 && x < size && y < size && dark[static_cast<size_t>(y * size + x)];
  }
};

inline constexpr int kQrQuietZone = 4;

// kBadRequest for an empty or too long text (over what a version-40 code holds).
Result<QrCode> EncodeQr(const std::string& text);

// Two module rows per line ("▀", "▄", "█", " "), light modules drawn in the
// foreground on explicit ANSI colours (bright white on black), so the code
// reads dark-on-light on dark and light terminals alike. Lines end in "\n".
std::string QrHalfBlocks(const QrCode& qr);

// A square SVG (viewBox in modules, quiet zone included) that scales to its
// container: a white background and one black path of unit squares.
std::string QrSvg(const QrCode& qr);

}  // namespace edgepix
