// Header readers for GIF (full block walk, so truncation is caught), BMP
// (info header variants, negative heights, palette and bitfield sanity) and
// WebP (libwebp's header-only WebPGetFeatures plus the demuxer for metadata).

#include <webp/decode.h>
#include <webp/demux.h>

#include <cstring>
#include <memory>

#include "image/bytes.h"
#include "image/header.h"

namespace edgepix::image {
namespace {

Status Bad(const char* fmt, const std::string& why) {
  return Status::Error(ErrorCode::kUndecodable, std::string(fmt) + ": " + why);
}

// Skips GIF data sub-blocks starting at p; false if the input ends first.
bool SkipSubBlocks(std::string_view b, size_t* p) {
  for (;;) {
    if (*p >= b.size()) return false;
    uint8_t n = U8(b, (*p)++);
    if (n == 0) return true;
    if (!Has(b, *p, n)) return false;
    *p += n;
  }
}

}  // namespace

Status ReadGifHeader(std::string_view b, HeaderInfo* out) {
  if (!Has(b, 0, 13)) return Bad("GIF", "truncated inside the header");
  out->probe.width = Le16(b, 6);
  out->probe.height = Le16(b, 8);
  uint8_t flags = U8(b, 10);
  size_t p = 13;
  if (flags & 0x80) p += 3u << ((flags & 7) + 1);
  int frames = 0;
  for (;;) {
    if (p >= b.size()) {
      return Bad("GIF", frames ? "truncated (no trailer)" : "no image data");
    }
    uint8_t block = U8(b, p++);
    if (block == 0x3B) break;  // trailer
    if (block == 0x21) {       // extension: label + sub-blocks
      if (p >= b.size()) return Bad("GIF", "truncated inside an extension");
      uint8_t label = U8(b, p++);
      if (label == 0xF9 && Has(b, p, 3) && U8(b, p) >= 4 && (U8(b, p + 1) & 1)) {
        out->has_alpha = true;  // transparent colour index
      }
      if (!SkipSubBlocks(b, &p)) return Bad("GIF", "truncated inside an extension");
    } else if (block == 0x2C) {  // image descriptor
      if (!Has(b, p, 9)) return Bad("GIF", "truncated inside an image descriptor");
      uint8_t f = U8(b, p + 8);
      if (frames == 0) {
        out->gif_frame_left = Le16(b, p);
        out->gif_frame_top = Le16(b, p + 2);
        out->gif_frame_right = Le16(b, p) + Le16(b, p + 4);
        out->gif_frame_bottom = Le16(b, p + 2) + Le16(b, p + 6);
      }
      p += 9;
      if (f & 0x80) p += 3u << ((f & 7) + 1);
      if (frames == 0 && p < b.size()) out->gif_lzw_code_size = U8(b, p);
      p += 1;  // LZW minimum code size
      if (p > b.size() || !SkipSubBlocks(b, &p)) return Bad("GIF", "truncated inside frame data");
      ++frames;
    } else {
      if (frames) break;  // trailing junk after complete frames
      return Bad("GIF", "unknown block type " + std::to_string(block));
    }
  }
  if (frames == 0) return Bad("GIF", "no image data");
  out->animated = frames > 1;
  out->frame_count = frames;
  return Status::Ok();
}

Result<BmpLayout> ParseBmpLayout(std::string_view b) {
  BmpLayout l;
  if (!Has(b, 0, 26)) return Bad("BMP", "truncated inside the header");
  l.data_offset = Le32(b, 10);
  uint32_t dib = Le32(b, 14);
  int planes;
  if (dib == 12) {
    l.width = Le16(b, 18);
    int16_t h = static_cast<int16_t>(Le16(b, 20));
    l.top_down = h < 0;
    l.height = h < 0 ? -int(h) : h;
    planes = Le16(b, 22);
    l.bpp = Le16(b, 24);
  } else {
    if (!Has(b, 14, std::min<uint32_t>(dib, 40)) || dib < 16) {
      return Bad("BMP", "truncated inside the info header");
    }
    int32_t w = static_cast<int32_t>(Le32(b, 18));
    int32_t h = static_cast<int32_t>(Le32(b, 22));
    if (w <= 0) return Bad("BMP", "width must be positive");
    if (h == INT32_MIN) return Bad("BMP", "height out of range");
    l.width = w;
    l.top_down = h < 0;
    l.height = h < 0 ? -h : h;
    planes = Le16(b, 26);
    l.bpp = Le16(b, 28);
    if (dib >= 20) l.compression = Le32(b, 30);
    if (dib >= 36) l.palette_entries = Le32(b, 46);
  }
  if (planes != 1) return Bad("BMP", "plane count must be 1");
  int bpp = l.bpp;
  if (bpp != 1 && bpp != 2 && bpp != 4 && bpp != 8 && bpp != 16 && bpp != 24 && bpp != 32) {
    return Bad("BMP", "unsupported bit count " + std::to_string(bpp));
  }
  if (l.compression == 1 || l.compression == 2 || (dib == 64 && l.compression == 4)) {
    return Status::Error(ErrorCode::kUnsupportedFormat,
                         "RLE-compressed BMP is not supported; convert to PNG");
  }
  if (l.compression == 4 || l.compression == 5) {
    return Status::Error(ErrorCode::kUnsupportedFormat,
                         "BMP with embedded JPEG/PNG is not supported; convert to PNG");
  }
  if (l.compression == 3 || l.compression == 6) {
    if (bpp != 16 && bpp != 32) return Bad("BMP", "bitfields need 16 or 32 bits per pixel");
    size_t mo = 14 + 40;
    int n = l.compression == 6 || dib >= 56 ? 4 : 3;
    if (!Has(b, mo, 4 * n)) return Bad("BMP", "truncated inside the colour masks");
    for (int i = 0; i < n; ++i) l.masks[i] = Le32(b, mo + 4 * i);
    uint32_t r = l.masks[0], g = l.masks[1], bl = l.masks[2], a = l.masks[3];
    if ((r & g) || (r & bl) || (g & bl) || ((r | g | bl) & a) || !(r && g && bl)) {
      return Bad("BMP", "overlapping or empty colour masks");
    }
  } else if (l.compression != 0) {
    return Bad("BMP", "unknown compression " + std::to_string(l.compression));
  }
  if (bpp <= 8) {
    uint32_t max_entries = 1u << bpp;
    if (l.palette_entries == 0) l.palette_entries = max_entries;
    if (l.palette_entries > max_entries) {
      return Bad("BMP", "palette declares " + std::to_string(l.palette_entries) +
                            " entries, more than " + std::to_string(bpp) + " bits can index");
    }
    int entry = dib == 12 ? 3 : 4;
    l.palette_offset = 14 + dib;
    if (l.compression == 3 || l.compression == 6) l.palette_offset += 12;
    if (!Has(b, l.palette_offset, size_t(l.palette_entries) * entry)) {
      return Bad("BMP", "truncated inside the palette");
    }
  }
  return l;
}

Status CheckBmpData(std::string_view b, const BmpLayout& l) {
  size_t stride = ((size_t(l.width) * l.bpp + 31) / 32) * 4;
  if (l.data_offset > b.size() || stride * l.height > b.size() - l.data_offset) {
    return Bad("BMP", "truncated: pixel data shorter than the header declares");
  }
  uint32_t max_entries = l.bpp <= 8 ? 1u << l.bpp : 0;
  if (l.bpp > 8 || l.palette_entries >= max_entries) return Status::Ok();
  for (int y = 0; y < l.height; ++y) {
    std::string_view row = b.substr(l.data_offset + stride * y, stride);
    for (int x = 0; x < l.width; ++x) {
      size_t bit = size_t(x) * l.bpp;
      uint32_t v = (U8(row, bit / 8) >> (8 - l.bpp - bit % 8)) & (max_entries - 1);
      if (v >= l.palette_entries) return Bad("BMP", "pixel refers past the end of the palette");
    }
  }
  return Status::Ok();
}

Status ReadBmpHeader(std::string_view b, HeaderInfo* out) {
  EDGEPIX_ASSIGN_OR_RETURN(auto l, ParseBmpLayout(b));
  out->probe.width = l.width;
  out->probe.height = l.height;
  out->has_alpha = l.bpp == 32 || (l.bpp == 16 && l.masks[3] != 0);
  return Status::Ok();
}

Status ReadWebpHeader(std::string_view b, bool want_metadata, HeaderInfo* out) {
  if (!Has(b, 0, 12)) return Bad("WebP", "truncated inside the header");
  uint64_t riff_size = uint64_t(Le32(b, 4)) + 8;
  if (riff_size > b.size()) {
    return Bad("WebP", "truncated: RIFF header declares " + std::to_string(riff_size) +
                           " bytes, file has " + std::to_string(b.size()));
  }
  WebPBitstreamFeatures f;
  VP8StatusCode st = WebPGetFeatures(reinterpret_cast<const uint8_t*>(b.data()), b.size(), &f);
  if (st == VP8_STATUS_NOT_ENOUGH_DATA) return Bad("WebP", "truncated inside the header");
  if (st != VP8_STATUS_OK) return Bad("WebP", "invalid bitstream header");
  out->probe.width = f.width;
  out->probe.height = f.height;
  out->has_alpha = f.has_alpha;
  out->animated = f.has_animation;
  out->webp_lossless = f.format == 2;  // 0 mixed/undefined, 1 lossy, 2 lossless
  if (f.has_animation) {
    WebPData data{reinterpret_cast<const uint8_t*>(b.data()), b.size()};
    std::unique_ptr<WebPDemuxer, void (*)(WebPDemuxer*)> demux(WebPDemux(&data), WebPDemuxDelete);
    if (demux) out->frame_count = int(WebPDemuxGetI(demux.get(), WEBP_FF_FRAME_COUNT));
  }
  // Metadata chunks only exist in the extended (VP8X) layout.
  if (want_metadata && b.substr(12, 4) == "VP8X") {
    WebPData data{reinterpret_cast<const uint8_t*>(b.data()), b.size()};
    std::unique_ptr<WebPDemuxer, void (*)(WebPDemuxer*)> demux(WebPDemux(&data), WebPDemuxDelete);
    if (demux) {
      WebPChunkIterator it;
      if (WebPDemuxGetChunk(demux.get(), "EXIF", 1, &it)) {
        std::string_view e(reinterpret_cast<const char*>(it.chunk.bytes), it.chunk.size);
        if (e.size() >= 6 && std::memcmp(e.data(), "Exif\0\0", 6) == 0) e.remove_prefix(6);
        out->exif_tiff = e;  // points into the input
        WebPDemuxReleaseChunkIterator(&it);
      }
      if (WebPDemuxGetChunk(demux.get(), "ICCP", 1, &it)) {
        out->icc.assign(reinterpret_cast<const char*>(it.chunk.bytes), it.chunk.size);
        WebPDemuxReleaseChunkIterator(&it);
      }
    }
  }
  return Status::Ok();
}

}  // namespace edgepix::image
