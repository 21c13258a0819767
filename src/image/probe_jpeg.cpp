// JPEG header reader: walks marker segments from SOI up to the first SOS,
// reading the SOF frame header and collecting APP1 EXIF, APP2 ICC_PROFILE
// chunks and the APP14 Adobe marker. Never touches entropy-coded data.

#include <algorithm>
#include <cstring>
#include <vector>

#include "image/bytes.h"
#include "image/header.h"

namespace edgepix::image {
namespace {

Status Bad(const std::string& why) {
  return Status::Error(ErrorCode::kUndecodable, "JPEG: " + why);
}

bool IsSof(uint8_t m) { return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC; }

struct IccChunk {
  int seq;
  std::string_view data;
};

std::string AssembleIcc(std::vector<IccChunk>& chunks, int count) {
  if (chunks.empty() || count <= 0 || static_cast<int>(chunks.size()) != count) return {};
  std::sort(chunks.begin(), chunks.end(),
            [](const IccChunk& a, const IccChunk& b) { return a.seq < b.seq; });
  std::string icc;
  for (int i = 0; i < count; ++i) {
    if (chunks[i].seq != i + 1) return {};
    icc.append(chunks[i].data);
  }
  return icc;
}

}  // namespace

Status ReadJpegHeader(std::string_view b, bool want_metadata, HeaderInfo* out) {
  size_t p = 2;  // after SOI
  bool have_sof = false;
  std::vector<IccChunk> icc_chunks;
  int icc_count = 0;
  for (;;) {
    // Tolerate garbage between segments the way libjpeg does: scan to 0xFF.
    while (p < b.size() && U8(b, p) != 0xFF) ++p;
    while (p < b.size() && U8(b, p) == 0xFF) ++p;
    if (p >= b.size()) {
      return Bad(have_sof ? "truncated before the image data (no SOS)"
                          : "truncated: no frame header (SOF) found");
    }
    uint8_t m = U8(b, p++);
    if (m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7)) continue;  // standalone markers
    if (m == 0xD9) return Bad("end of image before any frame header (SOF)");
    if (!Has(b, p, 2)) return Bad("truncated inside a segment header");
    uint16_t len = Be16(b, p);
    if (len < 2) return Bad("invalid segment length");
    if (!Has(b, p, len)) {
      return Bad("truncated inside a marker segment (0xFF" + std::to_string(m) + ")");
    }
    std::string_view seg = b.substr(p + 2, len - 2);
    p += len;
    if (IsSof(m)) {
      if (seg.size() < 6) return Bad("frame header too short");
      if (have_sof) continue;  // keep the first
      have_sof = true;
      out->jpeg_precision = U8(seg, 0);
      out->probe.height = Be16(seg, 1);
      out->probe.width = Be16(seg, 3);
      out->jpeg_components = U8(seg, 5);
      out->jpeg_lossless = (m & 0x03) == 0x03;
      out->jpeg_progressive = (m & 0x03) == 0x02;
      int max_h = 1, max_v = 1, sum = 0;
      for (int c = 0; c < out->jpeg_components && size_t(6 + 3 * c + 3) <= seg.size(); ++c) {
        int hv = U8(seg, 6 + 3 * c + 1);
        int fh = std::max(1, hv >> 4), fv = std::max(1, hv & 15);
        max_h = std::max(max_h, fh), max_v = std::max(max_v, fv);
        sum += fh * fv;
      }
      out->jpeg_sampling_sum = sum;
      out->jpeg_sampling_max = max_h * max_v;
      if (out->probe.height == 0) return Bad("frame header declares height 0 (DNL not supported)");
    } else if (m == 0xDA) {
      if (!have_sof) return Bad("no frame header (SOF) before the scan");
      break;
    } else if (m == 0xE1 && want_metadata && out->exif_tiff.empty() && seg.size() > 14 &&
               std::memcmp(seg.data(), "Exif\0\0", 6) == 0) {
      out->exif_tiff = seg.substr(6);
    } else if (m == 0xE2 && want_metadata && seg.size() > 14 &&
               std::memcmp(seg.data(), "ICC_PROFILE\0", 12) == 0) {
      icc_count = U8(seg, 13);
      icc_chunks.push_back({U8(seg, 12), seg.substr(14)});
    } else if (m == 0xEE && seg.size() >= 5 && std::memcmp(seg.data(), "Adobe", 5) == 0) {
      out->jpeg_adobe = true;
    }
  }
  if (want_metadata) out->icc = AssembleIcc(icc_chunks, icc_count);
  return Status::Ok();
}

}  // namespace edgepix::image
