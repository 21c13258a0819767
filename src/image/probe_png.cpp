// PNG header reader: checks the IHDR (CRC, legal depth/colour combination)
// and walks every chunk by length, so a truncated file is refused before
// decoding and iCCP/eXIf/tRNS are found without decompressing image data.

#include <stb/stb_image.h>

#include <array>
#include <cstring>

#include "image/bytes.h"
#include "image/header.h"
#include "image/png_crc.h"

namespace edgepix::image {
namespace {

Status Bad(const std::string& why) { return Status::Error(ErrorCode::kUndecodable, "PNG: " + why); }

uint32_t Crc32(std::string_view data) { return PngCrc32(data); }

bool LegalDepth(int color, int depth) {
  switch (color) {
    case 0:
      return depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
    case 3:
      return depth == 1 || depth == 2 || depth == 4 || depth == 8;
    case 2:
    case 4:
    case 6:
      return depth == 8 || depth == 16;
    default:
      return false;
  }
}

// iCCP: name, NUL, compression method 0, zlib stream. Capped at 4 MiB.
std::string InflateIcc(std::string_view chunk) {
  size_t nul = chunk.find('\0');
  if (nul == std::string_view::npos || nul > 79 || nul + 2 > chunk.size()) return {};
  if (chunk[nul + 1] != 0) return {};
  std::string_view z = chunk.substr(nul + 2);
  std::string out(4u << 20, '\0');
  int n = stbi_zlib_decode_buffer(out.data(), static_cast<int>(out.size()), z.data(),
                                  static_cast<int>(z.size()));
  if (n <= 0) return {};
  out.resize(static_cast<size_t>(n));
  return out;
}

}  // namespace

Status ReadPngHeader(std::string_view b, bool want_metadata, HeaderInfo* out) {
  size_t p = 8;
  if (!Has(b, p, 8 + 13 + 4)) return Bad("truncated inside the header (IHDR)");
  if (Be32(b, p) != 13 || b.substr(p + 4, 4) != "IHDR") return Bad("first chunk is not IHDR");
  std::string_view ihdr = b.substr(p + 8, 13);
  if (Crc32(b.substr(p + 4, 17)) != Be32(b, p + 21)) return Bad("IHDR checksum mismatch");
  uint32_t w = Be32(ihdr, 0), h = Be32(ihdr, 4);
  int depth = U8(ihdr, 8), color = U8(ihdr, 9);
  if (w > 0x7FFFFFFFu || h > 0x7FFFFFFFu) return Bad("dimensions out of range");
  if (!LegalDepth(color, depth)) {
    return Bad("illegal colour type " + std::to_string(color) + " / bit depth " +
               std::to_string(depth));
  }
  if (U8(ihdr, 10) != 0 || U8(ihdr, 11) != 0 || U8(ihdr, 12) > 1) {
    return Bad("unknown compression, filter or interlace method");
  }
  out->probe.width = static_cast<int>(w);
  out->probe.height = static_cast<int>(h);
  out->has_alpha = color == 4 || color == 6;
  out->png_depth = depth;
  out->png_color = color;
  out->png_interlaced = U8(ihdr, 12) == 1;
  p += 25;
  bool have_idat = false, have_plte = false, have_actl = false;
  int fctl_count = 0;
  for (;;) {
    if (!Has(b, p, 8)) return Bad("truncated (no IEND chunk)");
    uint32_t len = Be32(b, p);
    std::string_view type = b.substr(p + 4, 4);
    if (len > 0x7FFFFFFFu) return Bad("chunk length out of range");
    if (!Has(b, p + 8, size_t(len) + 4)) {
      return Bad("truncated inside a " + std::string(type) + " chunk");
    }
    std::string_view data = b.substr(p + 8, len);
    if (type == "IEND") break;
    if (type == "IDAT") {
      have_idat = true;
    } else if (type == "acTL" && !have_idat && len == 8) {
      have_actl = true;  // APNG: the frames are counted by their fcTL chunks
    } else if (type == "fcTL") {
      ++fctl_count;
    } else if (type == "PLTE") {
      if (Crc32(b.substr(p + 4, len + 4)) != Be32(b, p + 8 + len)) {
        return Bad("PLTE checksum mismatch");
      }
      have_plte = true;
    } else if (type == "tRNS") {
      out->has_alpha = true;
    } else if (want_metadata && type == "eXIf" && out->exif_tiff.empty()) {
      out->exif_tiff = data;
    } else if (want_metadata && type == "iCCP" && out->icc.empty()) {
      out->icc = InflateIcc(data);
    }
    p += 12 + size_t(len);
  }
  if (!have_idat) return Bad("no image data (IDAT chunk)");
  if (color == 3 && !have_plte) return Bad("palette image without PLTE chunk");
  if (have_actl && fctl_count > 1) {
    out->animated = true;
    out->frame_count = fctl_count;
  }
  return Status::Ok();
}

}  // namespace edgepix::image
