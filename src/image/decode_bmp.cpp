// BMP decoding, written here rather than through stb_image because stb
// misreads V3 (56-byte) headers and refuses non-8-bit bitfield masks. Handles
// 1/2/4/8-bit palettes, 16/32-bit bitfields (any contiguous masks, optional
// alpha), 24/32-bit BGR(A), bottom-up and top-down rows. RLE was refused by
// the header reader. Data size and palette indices are checked first.

#include <bit>
#include <cstring>

#include "image/bytes.h"
#include "image/decode.h"

namespace edgepix::image {
namespace {

struct Channel {
  uint32_t mask = 0;
  int shift = 0;
  uint64_t max = 0;  // mask >> shift
  uint8_t Get(uint32_t px) const {
    if (!mask) return 0;
    return static_cast<uint8_t>((uint64_t((px & mask) >> shift) * 255 + max / 2) / max);
  }
};

Channel MakeChannel(uint32_t mask) {
  Channel c;
  c.mask = mask;
  if (mask) {
    c.shift = std::countr_zero(mask);
    c.max = mask >> c.shift;
  }
  return c;
}

}  // namespace

Result<PixelBuffer> DecodeBmp(std::string_view b, const HeaderInfo& h) {
  EDGEPIX_ASSIGN_OR_RETURN(auto lr, ParseBmpLayout(b));
  const BmpLayout& l = lr;
  EDGEPIX_RETURN_IF_ERROR(CheckBmpData(b, l));
  if (l.width != h.probe.width || l.height != h.probe.height) {
    return Status::Error(ErrorCode::kUndecodable, "BMP: header changed while decoding");
  }
  uint32_t masks[4] = {l.masks[0], l.masks[1], l.masks[2], l.masks[3]};
  bool bitfields = l.compression == 3 || l.compression == 6;
  if (!bitfields && l.bpp == 16) {
    masks[0] = 0x7C00, masks[1] = 0x03E0, masks[2] = 0x001F, masks[3] = 0;
  } else if (!bitfields && l.bpp == 32) {
    masks[0] = 0xFF0000, masks[1] = 0xFF00, masks[2] = 0xFF, masks[3] = 0xFF000000u;
  }
  bool alpha = (l.bpp == 16 || l.bpp == 32) && masks[3] != 0;
  int channels = alpha ? 4 : 3;
  EDGEPIX_ASSIGN_OR_RETURN(auto out, PixelBuffer::Allocate(l.width, l.height, channels));

  uint8_t palette[256][3] = {};
  int entry = Le32(b, 14) == 12 ? 3 : 4;
  for (uint32_t i = 0; l.bpp <= 8 && i < l.palette_entries; ++i) {
    size_t o = l.palette_offset + size_t(i) * entry;
    palette[i][0] = U8(b, o + 2), palette[i][1] = U8(b, o + 1), palette[i][2] = U8(b, o);
  }
  Channel ch[4] = {MakeChannel(masks[0]), MakeChannel(masks[1]), MakeChannel(masks[2]),
                   MakeChannel(masks[3])};
  size_t stride = ((size_t(l.width) * l.bpp + 31) / 32) * 4;
  uint8_t alpha_or = 0;
  for (int y = 0; y < l.height; ++y) {
    int src_y = l.top_down ? y : l.height - 1 - y;
    std::string_view row = b.substr(l.data_offset + stride * src_y, stride);
    uint8_t* d = out.row(y);
    for (int x = 0; x < l.width; ++x, d += channels) {
      if (l.bpp <= 8) {
        size_t bit = size_t(x) * l.bpp;
        uint32_t idx = (U8(row, bit / 8) >> (8 - l.bpp - bit % 8)) & ((1u << l.bpp) - 1);
        std::memcpy(d, palette[idx], 3);
      } else if (l.bpp == 24) {
        d[0] = U8(row, x * 3 + 2), d[1] = U8(row, x * 3 + 1), d[2] = U8(row, x * 3);
      } else {
        uint32_t px = l.bpp == 16 ? Le16(row, x * 2) : Le32(row, x * 4);
        d[0] = ch[0].Get(px), d[1] = ch[1].Get(px), d[2] = ch[2].Get(px);
        if (alpha) alpha_or |= (d[3] = ch[3].Get(px));
      }
    }
  }
  // An alpha channel that is zero everywhere is unused padding, not "invisible".
  if (alpha && alpha_or == 0) DropAlphaInPlace(out);
  return out;
}

}  // namespace edgepix::image
