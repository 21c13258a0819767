// HEIF-family header reader. Two passes, neither decodes pixels:
// 1. our own walk of meta/iprp/ipco for every `ispe` (image spatial extent),
//    so the largest item is known even from a cut-short head and a grid of
//    huge tiles is refused before libheif allocates anything;
// 2. libheif's parse of the box structure for the primary image: displayed
//    size (irot/imir/clap applied), alpha, bit depth, Exif item, colour.
// At intake the head may end inside `mdat`: libheif would refuse the whole
// file, so a copy of the head with that last box's size clamped is parsed.

#include <algorithm>
#include <cstring>
#include <vector>

#include "image/bytes.h"
#include "image/header.h"
#include "image/heif_file.h"
#include "image/icc.h"

namespace edgepix::image {
namespace {

struct Box {
  std::string_view type;
  size_t header = 0;  // bytes of size/type (and largesize)
  size_t start = 0;
  uint64_t size = 0;      // declared, header included
  bool past_end = false;  // declared end lies beyond the input
};

// Children of [begin, end) of `b`, at most `max` of them; stops at the first
// malformed header.
std::vector<Box> Boxes(std::string_view b, size_t begin, size_t end, size_t max = 256) {
  std::vector<Box> out;
  size_t p = begin;
  while (p < end && out.size() < max && Has(b, p, 8) && p + 8 <= end) {
    Box box;
    box.start = p;
    box.type = b.substr(p + 4, 4);
    uint64_t size = Be32(b, p);
    box.header = 8;
    if (size == 1) {
      if (!Has(b, p, 16)) break;
      size = uint64_t(Be32(b, p + 8)) << 32 | Be32(b, p + 12);
      box.header = 16;
    } else if (size == 0) {
      size = end - p;  // to the end of the enclosing range
    }
    if (size < box.header) break;
    box.size = size;
    box.past_end = size > end - p;
    out.push_back(box);
    if (box.past_end) break;
    p += size;
  }
  return out;
}

size_t BoxEnd(std::string_view b, const Box& box) {
  return box.past_end ? b.size() : box.start + box.size;
}

// Twice the samples a pixel holds, from a codec configuration property, or 0.
int SamplesX2(std::string_view b, const Box& prop) {
  const size_t o = prop.start + prop.header;
  if (prop.type == "hvcC" && Has(b, o, 17)) {
    static const int kByIdc[] = {2, 3, 4, 6};  // chroma_format_idc
    return kByIdc[U8(b, o + 16) & 3];
  }
  if (prop.type == "av1C" && Has(b, o, 3)) {
    const uint8_t f = U8(b, o + 2);
    if (f & 0x10) return 2;  // monochrome
    const bool sx = (f & 0x08) != 0, sy = (f & 0x04) != 0;
    return sx && sy ? 3 : sx ? 4 : 6;
  }
  return 0;
}

// Whether an nclx `colr` box's code points are all ones libheif 1.15 knows
// (its heif_color_primaries / transfer / matrix enums).
bool KnownNclx(std::string_view b, const Box& prop) {
  const size_t o = prop.start + prop.header;
  if (prop.type != "colr" || !Has(b, o, 10) || b.substr(o, 4) != "nclx") return true;
  const int prim = Be16(b, o + 4), transfer = Be16(b, o + 6), matrix = Be16(b, o + 8);
  const bool p = prim == 1 || prim == 2 || (prim >= 4 && prim <= 12) || prim == 22;
  const bool t = transfer == 1 || transfer == 2 || (transfer >= 4 && transfer <= 18);
  const bool m = matrix <= 2 || (matrix >= 4 && matrix <= 14);
  return p && t && m;
}

// The largest `ispe` among items an `ipma` entry ties to an `av1C` (the coded
// AV1 images: a grid's tiles, not the grid). `props` are ipco's children in
// order (ipma indexes them from 1). 0 when nothing says so; when ipma cannot
// be read but some av1C exists, the largest ispe of all (the safe side).
uint64_t LargestAv1Item(std::string_view b, const Box& iprp, const std::vector<Box>& props) {
  bool any_av1 = false;
  uint64_t largest_any = 0;
  std::vector<uint64_t> area(props.size(), 0);
  for (size_t i = 0; i < props.size(); ++i) {
    const Box& p = props[i];
    const size_t o = p.start + p.header + 4;
    if (p.type == "av1C") any_av1 = true;
    if (p.type == "ispe" && Has(b, o, 8)) area[i] = uint64_t(Be32(b, o)) * Be32(b, o + 4);
    largest_any = std::max(largest_any, area[i]);
  }
  if (!any_av1) return 0;
  uint64_t largest = 0;
  bool read = false;
  for (const Box& ipma : Boxes(b, iprp.start + iprp.header, BoxEnd(b, iprp))) {
    if (ipma.type != "ipma") continue;
    const size_t end = BoxEnd(b, ipma);
    size_t o = ipma.start + ipma.header;
    if (!Has(b, o, 8) || o + 8 > end) return largest_any;
    const int version = U8(b, o);
    const bool wide_index = (Be32(b, o) & 1) != 0;  // flags bit 0
    const uint32_t entries = Be32(b, o + 4);
    o += 8;
    for (uint32_t e = 0; e < entries; ++e) {
      const size_t id_bytes = version < 1 ? 2 : 4;
      if (o + id_bytes + 1 > end || !Has(b, o, id_bytes + 1)) return largest_any;
      o += id_bytes;
      const int count = U8(b, o++);
      const size_t step = wide_index ? 2 : 1;
      if (o + count * step > end || !Has(b, o, count * step)) return largest_any;
      bool av1 = false;
      uint64_t item_area = 0;
      for (int k = 0; k < count; ++k, o += step) {
        const size_t index = wide_index ? (Be16(b, o) & 0x7fff) : (U8(b, o) & 0x7f);
        if (index == 0 || index > props.size()) continue;
        if (props[index - 1].type == "av1C") av1 = true;
        item_area = std::max(item_area, area[index - 1]);
      }
      if (av1) largest = std::max(largest, item_area);
    }
    read = true;
  }
  return read && largest ? largest : largest_any;
}

// From meta/iprp/ipco: the largest-area `ispe` of any item, the most
// chroma-heavy codec configuration (6 when some item's codec is not read),
// the largest AV1-coded item, and whether some nclx uses a code point
// libheif does not know.
void ScanItemProperties(std::string_view b, HeaderInfo* out) {
  for (const Box& top : Boxes(b, 0, b.size())) {
    if (top.type != "meta") continue;
    size_t meta_children = top.start + top.header + 4;  // FullBox version/flags
    for (const Box& iprp : Boxes(b, meta_children, BoxEnd(b, top))) {
      if (iprp.type != "iprp") continue;
      for (const Box& ipco : Boxes(b, iprp.start + iprp.header, BoxEnd(b, iprp))) {
        if (ipco.type != "ipco") continue;
        const std::vector<Box> props = Boxes(b, ipco.start + ipco.header, BoxEnd(b, ipco), 4096);
        for (const Box& prop : props) {
          out->heif_samples_x2 = std::max(out->heif_samples_x2, SamplesX2(b, prop));
          if (!KnownNclx(b, prop)) out->heif_nclx_unknown_code = true;
          size_t o = prop.start + prop.header + 4;
          if (prop.type != "ispe" || !Has(b, o, 8)) continue;
          uint64_t w = Be32(b, o), h = Be32(b, o + 4);
          uint64_t have = uint64_t(out->heif_largest_width) * uint64_t(out->heif_largest_height);
          // Clamped to int: anything this large is over every limit anyway.
          auto clamp = [](uint64_t v) { return int(std::min<uint64_t>(v, 1u << 30)); };
          if (w * h > have || (have == 0 && (w || h))) {
            out->heif_largest_width = clamp(w);
            out->heif_largest_height = clamp(h);
          }
        }
        out->heif_av1_coded_pixels =
            std::max(out->heif_av1_coded_pixels, LargestAv1Item(b, iprp, props));
      }
    }
    return;  // one meta box at file level
  }
}

uint64_t BeN(std::string_view b, size_t o, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = v << 8 | U8(b, o + i);
  return v;
}
void PutBeN(std::string& s, size_t o, int n, uint64_t v) {
  for (int i = n - 1; i >= 0; --i, v >>= 8) s[o + i] = char(v & 0xff);
}

// In `s` (a cut head), every iloc extent that reaches past the end is made to
// end there: libheif refuses a file whose extents point outside it, though
// the header needs none of that data. Gives up quietly on anything unusual.
void ClampIlocExtents(std::string& s) {
  std::string_view b(s);
  for (const Box& meta : Boxes(b, 0, b.size())) {
    if (meta.type != "meta") continue;
    for (const Box& iloc : Boxes(b, meta.start + meta.header + 4, BoxEnd(b, meta))) {
      if (iloc.type != "iloc") continue;
      size_t q = iloc.start + iloc.header;
      const size_t end = BoxEnd(b, iloc);
      if (!Has(b, q, 6) || q + 6 > end) return;
      const int v = U8(b, q);
      const int offset_size = U8(b, q + 4) >> 4, length_size = U8(b, q + 4) & 15;
      const int base_size = U8(b, q + 5) >> 4, index_size = v >= 1 ? U8(b, q + 5) & 15 : 0;
      q += 6;
      const int count_len = v < 2 ? 2 : 4;
      if (q + count_len > end) return;
      const uint64_t items = BeN(b, q, count_len);
      q += count_len;
      for (uint64_t i = 0; i < items; ++i) {
        const size_t fixed = count_len + (v >= 1 ? 2 : 0) + 2 + base_size + 2;
        if (q + fixed > end) return;
        q += count_len;
        const int method = v >= 1 ? int(BeN(b, q, 2) & 15) : 0;
        q += (v >= 1 ? 2 : 0) + 2;
        uint64_t base = BeN(b, q, base_size);
        if (method == 0 && base_size > 0 && base >= s.size()) {
          PutBeN(s, q, base_size, 0);  // the extents below are then moved in
          base = 0;
        }
        q += base_size;
        const uint64_t extents = BeN(b, q, 2);
        q += 2;
        for (uint64_t x = 0; x < extents; ++x) {
          q += index_size;
          if (q + offset_size + length_size > end) return;
          const uint64_t off = BeN(b, q, offset_size), len = BeN(b, q + offset_size, length_size);
          const uint64_t start = base + off;
          // (A length of 0 means "to the end of the file": never written.)
          if (method == 0 && length_size > 0 && start + len > s.size()) {
            if (start < s.size()) {
              PutBeN(s, q + offset_size, length_size, s.size() - start);
            } else if (offset_size > 0 && base < s.size()) {
              PutBeN(s, q, offset_size, s.size() - 1 - base);
              PutBeN(s, q + offset_size, length_size, 1);
            }
          }
          q += offset_size + length_size;
        }
      }
      return;
    }
    return;
  }
}

// The head with the box that runs past its end (the mdat, at intake)
// shortened to what is there and the item extents clamped to it, or empty
// when nothing runs past the end.
std::string ClampLastBox(std::string_view b) {
  std::vector<Box> top = Boxes(b, 0, b.size());
  if (top.empty() || !top.back().past_end) return {};
  const Box& last = top.back();
  std::string copy(b);
  uint64_t size = b.size() - last.start;
  if (last.header == 16) {
    PutBeN(copy, last.start + 8, 8, size);
  } else {
    if (size < 8) return {};
    PutBeN(copy, last.start, 4, size);
  }
  ClampIlocExtents(copy);
  return copy;
}

// HEIF Exif item: a 4-byte big-endian offset to the TIFF header, then (often
// "Exif\0\0" and) the TIFF header. A bad offset is searched past.
std::string TiffFromExifItem(std::string_view item) {
  if (item.size() < 4 + 8) return {};
  uint32_t off = Be32(item, 0);
  auto tiff_at = [&](size_t o) {
    return Has(item, o, 4) && (item.substr(o, 4) == std::string_view("II*\0", 4) ||
                               item.substr(o, 4) == std::string_view("MM\0*", 4));
  };
  if (off < item.size() - 4 && tiff_at(4 + off)) return std::string(item.substr(4 + off));
  for (size_t o = 4; o < std::min<size_t>(item.size(), 64); ++o) {
    if (tiff_at(o)) return std::string(item.substr(o));
  }
  return {};
}

// The largest Exif item we read: EXIF in JPEG is at most 64 KiB; phones'
// HEIC items are a few tens of KiB.
constexpr size_t kMaxExifBytes = 1u << 20;

void ReadExif(heif_image_handle* handle, HeaderInfo* out) {
  heif_item_id id = 0;
  if (heif_image_handle_get_list_of_metadata_block_IDs(handle, "Exif", &id, 1) < 1) return;
  size_t size = heif_image_handle_get_metadata_size(handle, id);
  if (size == 0 || size > kMaxExifBytes) return;
  std::string item(size, '\0');
  heif_error err = heif_image_handle_get_metadata(handle, id, item.data());
  if (err.code != heif_error_Ok) return;
  out->exif_copy = TiffFromExifItem(item);
}

void ReadColour(heif_image_handle* handle, HeaderInfo* out) {
  heif_color_profile_type type = heif_image_handle_get_color_profile_type(handle);
  if (type == heif_color_profile_type_rICC || type == heif_color_profile_type_prof) {
    size_t size = heif_image_handle_get_raw_color_profile_size(handle);
    if (size > 0 && size <= (4u << 20)) {
      std::string icc(size, '\0');
      if (heif_image_handle_get_raw_color_profile(handle, icc.data()).code == heif_error_Ok) {
        out->icc = std::move(icc);
        return;
      }
    }
  }
  // libheif 1.15 leaks the profile it allocated when it refuses a code
  // point; such files are shown with libheif's own conversion, as sRGB.
  if (out->heif_nclx_unknown_code) return;
  heif_color_profile_nclx* nclx = nullptr;
  if (heif_image_handle_get_nclx_color_profile(handle, &nclx).code != heif_error_Ok || !nclx) {
    return;
  }
  NclxColour c;
  c.primaries = nclx->color_primaries;
  c.transfer = nclx->transfer_characteristics;
  c.red_x = nclx->color_primary_red_x;
  c.red_y = nclx->color_primary_red_y;
  c.green_x = nclx->color_primary_green_x;
  c.green_y = nclx->color_primary_green_y;
  c.blue_x = nclx->color_primary_blue_x;
  c.blue_y = nclx->color_primary_blue_y;
  c.white_x = nclx->color_primary_white_x;
  c.white_y = nclx->color_primary_white_y;
  heif_nclx_color_profile_free(nclx);
  out->icc = IccFromNclx(c);
}

}  // namespace

Status ReadHeifHeader(std::string_view bytes, bool want_metadata, HeaderInfo* out) {
  out->decoder_orients = true;
  ScanItemProperties(bytes, out);
  if (out->heif_samples_x2 == 0) out->heif_samples_x2 = 6;  // JPEG, uncompressed...: 4:4:4
  // Sequences (avis/msf1): libheif reads the still primary item, which is
  // what the first frame is taken from.
  out->animated =
      bytes.size() >= 12 && (bytes.substr(8, 4) == "avis" || bytes.substr(8, 4) == "msf1");
  const std::string clamped = ClampLastBox(bytes);
  auto primary = OpenHeifPrimary(clamped.empty() ? bytes : std::string_view(clamped));
  if (!primary.ok()) {
    // Still judge the declared sizes (bombs) when the structure is unreadable.
    out->probe.width = out->heif_largest_width;
    out->probe.height = out->heif_largest_height;
    return primary.status();
  }
  heif_image_handle* h = primary->handle.get();
  out->probe.width = heif_image_handle_get_width(h);
  out->probe.height = heif_image_handle_get_height(h);
  out->has_alpha = heif_image_handle_has_alpha_channel(h) != 0;
  int bits = heif_image_handle_get_luma_bits_per_pixel(h);
  out->heif_bit_depth = bits > 0 ? bits : 8;
  if (want_metadata) {
    ReadExif(h, out);
    ReadColour(h, out);
  }
  return Status::Ok();
}

}  // namespace edgepix::image
