#include "common/qr_code.h"

#include <qrencode.h>

#include <cerrno>
#include <memory>

namespace edgepix {

Result<QrCode> EncodeQr(const std::string& text) {
  if (text.empty()) return Status::Error(ErrorCode::kBadRequest, "nothing to encode as a QR code");
  std::unique_ptr<QRcode, void (*)(QRcode*)> code(
      QRcode_encodeString8bit(text.c_str(), 0, QR_ECLEVEL_M), QRcode_free);
  if (!code) {
    return Status::Error(
        errno == ERANGE ? ErrorCode::kBadRequest : ErrorCode::kInternal,
        "cannot encode this text as a QR code (" + std::to_string(text.size()) + " bytes)");
  }
  QrCode qr;
  qr.size = code->width;
  qr.dark.resize(static_cast<size_t>(qr.size) * qr.size);
  for (size_t i = 0; i < qr.dark.size(); ++i) qr.dark[i] = (code->data[i] & 1) != 0;
  return qr;
}

std::string QrHalfBlocks(const QrCode& qr) {
  const int q = kQrQuietZone;
  const int side = qr.size + 2 * q;
  std::string out;
  for (int y = 0; y < side; y += 2) {
    out += "\x1b[97;40m";
    for (int x = 0; x < side; ++x) {
      // Light modules are drawn (foreground white); dark ones left black.
      const bool top = !qr.Dark(x - q, y - q);
      const bool bottom = y + 1 < side ? !qr.Dark(x - q, y + 1 - q) : false;
      if (top && bottom) {
        out += "\xe2\x96\x88";  // █
      } else if (top) {
        out += "\xe2\x96\x80";  // ▀
      } else if (bottom) {
        out += "\xe2\x96\x84";  // ▄
      } else {
        out += ' ';
      }
    }
    out += "\x1b[0m\n";
  }
  return out;
}

std::string QrSvg(const QrCode& qr) {
  const int side = qr.size + 2 * kQrQuietZone;
  const std::string s = std::to_string(side);
  std::string path;
  for (int y = 0; y < qr.size; ++y) {
    for (int x = 0; x < qr.size; ++x) {
      if (!qr.Dark(x, y)) continue;
      // Runs of dark modules in a row become one rectangle.
      int run = 1;
      while (qr.Dark(x + run, y)) ++run;
      path += "M" + std::to_string(x + kQrQuietZone) + " " + std::to_string(y + kQrQuietZone) +
              "h" + std::to_string(run) + "v1h-" + std::to_string(run) + "z";
      x += run - 1;
    }
  }
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + s + " " + s +
         "\" width=\"100%\" height=\"100%\" shape-rendering=\"crispEdges\">"
         "<rect width=\"" +
         s + "\" height=\"" + s + "\" fill=\"#fff\"/><path fill=\"#000\" d=\"" + path +
         "\"/></svg>\n";
}

}  // namespace edgepix
