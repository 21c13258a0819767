// Magic-byte sniffing, format names, and recognition of formats we refuse.

#include <algorithm>
#include <cstring>

#include "image/header.h"
#include "image/pipeline.h"

namespace edgepix::image {
namespace {

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && std::memcmp(s.data(), prefix.data(), prefix.size()) == 0;
}

bool LooksLikeBmp(std::string_view h) {
  if (h.size() < 18 || !StartsWith(h, "BM")) return false;
  auto u32 = [&](size_t o) {
    return uint32_t(uint8_t(h[o])) | uint32_t(uint8_t(h[o + 1])) << 8 |
           uint32_t(uint8_t(h[o + 2])) << 16 | uint32_t(uint8_t(h[o + 3])) << 24;
  };
  uint32_t dib = u32(14);
  return dib == 12 || dib == 16 || dib == 40 || dib == 52 || dib == 56 || dib == 64 || dib == 108 ||
         dib == 124;
}

// The HEIF family from the `ftyp` box: the major brand decides when it names
// one; otherwise the compatible brands (a MOV/MP4 with none of these is not an
// image). AVIF before HEVC, as libheif does when a file lists both.
Format HeifFamilyFromFtyp(std::string_view h) {
  if (h.size() < 16 || h.substr(4, 4) != "ftyp") return Format::kUnknown;
  auto classify = [](std::string_view b) {
    if (b == "avif" || b == "avis") return Format::kAvif;
    if (b == "heic" || b == "heix" || b == "hevc" || b == "hevx" || b == "heim" || b == "heis") {
      return Format::kHeic;
    }
    if (b == "mif1" || b == "msf1" || b == "mif2" || b == "mif3") return Format::kHeif;
    return Format::kUnknown;
  };
  Format major = classify(h.substr(8, 4));
  if (major == Format::kAvif || major == Format::kHeic) return major;
  uint32_t box = uint32_t(uint8_t(h[0])) << 24 | uint32_t(uint8_t(h[1])) << 16 |
                 uint32_t(uint8_t(h[2])) << 8 | uint32_t(uint8_t(h[3]));
  size_t end = std::min<size_t>(h.size(), std::min<uint32_t>(box, 4096));
  Format best = major;
  for (size_t o = 16; o + 4 <= end; o += 4) {
    Format f = classify(h.substr(o, 4));
    if (f == Format::kAvif) return f;
    if (f == Format::kHeic || (f == Format::kHeif && best == Format::kUnknown)) best = f;
  }
  return best;
}

// Skips a UTF-8 BOM and leading whitespace, for text formats.
std::string_view SkipTextLead(std::string_view s) {
  if (StartsWith(s, "\xEF\xBB\xBF")) s.remove_prefix(3);
  while (!s.empty() && (s[0] == ' ' || s[0] == '\t' || s[0] == '\r' || s[0] == '\n')) {
    s.remove_prefix(1);
  }
  return s;
}

}  // namespace

const char* FormatName(Format f) {
  switch (f) {
    case Format::kJpeg:
      return "jpeg";
    case Format::kPng:
      return "png";
    case Format::kGif:
      return "gif";
    case Format::kBmp:
      return "bmp";
    case Format::kWebp:
      return "webp";
    case Format::kHeic:
      return "heic";
    case Format::kAvif:
      return "avif";
    case Format::kHeif:
      return "heif";
    case Format::kUnknown:
      break;
  }
  return "unknown";
}

bool IsHeifFamily(Format f) {
  return f == Format::kHeic || f == Format::kAvif || f == Format::kHeif;
}

Format SniffFormat(std::string_view h) {
  if (StartsWith(h, "\xFF\xD8\xFF")) return Format::kJpeg;
  if (StartsWith(h, std::string_view("\x89PNG\r\n\x1a\n", 8))) return Format::kPng;
  if (StartsWith(h, "GIF87a") || StartsWith(h, "GIF89a")) return Format::kGif;
  if (h.size() >= 12 && StartsWith(h, "RIFF") && h.substr(8, 4) == "WEBP") return Format::kWebp;
  if (LooksLikeBmp(h)) return Format::kBmp;
  return HeifFamilyFromFtyp(h);
}

const char* DescribeUnsupported(std::string_view h) {
  if (h.size() >= 12 && h.substr(4, 4) == "ftyp") {
    // HEIF-family brands were taken by SniffFormat before this is asked.
    if (h.substr(8, 4) == "crx ") return "Canon CR3 raw";
    return "an ISO media file (MP4/MOV)";
  }
  if (StartsWith(h, std::string_view("II*\0", 4)) || StartsWith(h, std::string_view("MM\0*", 4))) {
    return "TIFF";
  }
  if (StartsWith(h, "%PDF-")) return "PDF";
  if (StartsWith(h, "8BPS")) return "PSD";
  if (StartsWith(h, "\xFF\x0A") || StartsWith(h, std::string_view("\0\0\0\x0CJXL ", 8))) {
    return "JPEG XL";
  }
  if (StartsWith(h, std::string_view("\0\0\x01\0", 4)) && h.size() >= 6) return "ICO";
  if (StartsWith(h, std::string_view("\0\0\0\x0CjP  ", 8))) return "JPEG 2000";
  std::string_view t = SkipTextLead(h.substr(0, 4096));
  if (StartsWith(t, "<svg") || ((StartsWith(t, "<?xml") || StartsWith(t, "<!DOCTYPE svg")) &&
                                t.find("<svg") != std::string_view::npos)) {
    return "SVG";
  }
  return nullptr;
}

}  // namespace edgepix::image
