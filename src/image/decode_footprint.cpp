// The decode plan (how small a decode may be) and the memory model of each
// decoder, charged to PixelBudget and checked against the budget at intake.
// The per-format figures follow what each library allocates; the measured
// peaks they were checked against are in bench/memory/RESULTS.md.

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>

#include "image/decode.h"
#include "image/resize.h"

namespace edgepix::image {
namespace {

// Allocator slack, library state, zlib windows, Huffman tables.
constexpr uint64_t kFixedBytes = 1u << 20;

uint64_t CeilDiv(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

int PngSamplesPerPixel(int color) {
  switch (color) {
    case 2:
      return 3;
    case 4:
      return 2;
    case 6:
      return 4;
    default:
      return 1;  // grey, palette
  }
}

std::string Describe(const HeaderInfo& h) {
  std::string d = std::to_string(h.probe.width) + "x" + std::to_string(h.probe.height) + " ";
  switch (h.probe.format) {
    case Format::kPng:
      d += std::to_string(h.png_depth) + "-bit " + (h.has_alpha ? "RGBA " : "") +
           (h.png_interlaced ? "interlaced " : "") + "PNG";
      break;
    case Format::kJpeg:
      d += std::string(h.jpeg_progressive ? "progressive " : "") + "JPEG";
      break;
    case Format::kWebp:
      d += std::string(h.animated ? "animated " : h.webp_lossless ? "lossless " : "") + "WebP";
      break;
    case Format::kHeic:
    case Format::kAvif:
    case Format::kHeif:
      d += std::to_string(h.heif_bit_depth) + "-bit " + (h.has_alpha ? "RGBA " : "") +
           (h.probe.format == Format::kAvif   ? "AVIF"
            : h.probe.format == Format::kHeic ? "HEIC"
                                              : "HEIF");
      break;
    default:
      for (const char* c = FormatName(h.probe.format); *c; ++c) {
        d += static_cast<char>(std::toupper(static_cast<unsigned char>(*c)));
      }
      break;
  }
  return d;
}

}  // namespace

Size DecodeTargetSize(const HeaderInfo& h, bool swap, const std::vector<VariantSpec>& specs) {
  const int disp_w = swap ? h.probe.height : h.probe.width;
  const int disp_h = swap ? h.probe.width : h.probe.height;
  int min_w = 1, min_h = 1;
  for (const auto& s : specs) {
    OutputPlan p = PlanOutput(disp_w, disp_h, s.width, s.height, s.fit);
    int out_w = swap ? p.height : p.width, out_h = swap ? p.width : p.height;
    double fx = swap ? p.crop_fy : p.crop_fx, fy = swap ? p.crop_fx : p.crop_fy;
    min_w = std::max(min_w, static_cast<int>(std::ceil(2.0 * out_w / fx)));
    min_h = std::max(min_h, static_cast<int>(std::ceil(2.0 * out_h / fy)));
  }
  return {std::min(min_w, h.probe.width), std::min(min_h, h.probe.height)};
}

int PngShrinkFactor(const HeaderInfo& h, int min_width, int min_height) {
  if (h.png_interlaced) return 1;
  int k =
      std::min(h.probe.width / std::max(1, min_width), h.probe.height / std::max(1, min_height));
  return std::max(1, k);
}

uint64_t DecodeFootprintBytes(const HeaderInfo& h, int min_width, int min_height) {
  const uint64_t w = uint64_t(h.probe.width), ht = uint64_t(h.probe.height), full = w * ht;
  const uint64_t out_ch = h.has_alpha ? 4 : 3;
  uint64_t bytes = kFixedBytes;
  switch (h.probe.format) {
    case Format::kJpeg: {
      Size s = JpegOutputSize(h.probe.width, h.probe.height, min_width, min_height);
      uint64_t out = uint64_t(s.width) * uint64_t(s.height);
      // CMYK decodes to 4 bytes a pixel, then converts into a new RGB buffer.
      bytes += h.jpeg_components == 4 ? out * 7 : out * 3;
      if (h.jpeg_progressive) {
        // libjpeg keeps every DCT coefficient (2 bytes a sample) of the whole
        // image; chroma planes are smaller by their subsampling.
        uint64_t sum =
            h.jpeg_sampling_sum > 0 ? h.jpeg_sampling_sum : std::max(1, h.jpeg_components);
        uint64_t max = h.jpeg_sampling_max > 0 ? h.jpeg_sampling_max : 1;
        bytes += CeilDiv(full * sum * 2, max);
      }
      // libjpeg's row buffers: a few MCU rows of every component.
      bytes += w * 16 * 3 * 2;
      return bytes;
    }
    case Format::kPng: {
      // libpng holds the current and previous raw row plus a transformed row.
      uint64_t raw_row = CeilDiv(w * PngSamplesPerPixel(h.png_color) * h.png_depth, 8) + 1;
      bytes += 3 * std::max(raw_row, w * out_ch);
      if (h.png_interlaced) return bytes + full * out_ch;
      uint64_t k = uint64_t(PngShrinkFactor(h, min_width, min_height));
      uint64_t ow = CeilDiv(w, k), oh = CeilDiv(ht, k);
      bytes += ow * oh * out_ch;
      if (k > 1) bytes += ow * out_ch * sizeof(uint64_t);  // the accumulator row
      return bytes;
    }
    case Format::kGif: {
      if (GifNeedsStb(h)) {
        // stb_image: an RGBA canvas, an RGBA background and a history byte
        // per pixel, on a canvas enlarged to hold the first frame.
        uint64_t canvas = uint64_t(std::max(h.probe.width, h.gif_frame_right)) *
                          uint64_t(std::max(h.probe.height, h.gif_frame_bottom));
        return bytes + canvas * 9;
      }
      // GifFrames: the RGBA screen, one row of the first frame's indices
      // (its declared width, up to 65535), and giflib's LZW tables.
      uint64_t frame_row = uint64_t(std::max(0, h.gif_frame_right - h.gif_frame_left));
      return bytes + full * 4 + frame_row;
    }
    case Format::kBmp:
      return bytes + full * out_ch;
    case Format::kWebp: {
      if (h.animated) {
        // WebPAnimDecoder: current and previous RGBA canvases, the frame's own
        // decode (up to 4 bytes a pixel when lossless), then our RGBA copy.
        return bytes + full * 16;
      }
      Size s = WebpOutputSize(h, min_width, min_height);
      bytes += uint64_t(s.width) * uint64_t(s.height) * out_ch;
      if (h.webp_lossless) {
        bytes += full * 4 + w * 32 * 4;  // ARGB plane plus cache rows
      } else {
        bytes += w * 16 * 3 * 4;         // macroblock rows and filter caches
        if (h.has_alpha) bytes += full;  // the decoded alpha plane
      }
      return bytes;
    }
    case Format::kHeic:
    case Format::kAvif:
    case Format::kHeif: {
      // libheif decodes whole (no shrink on load). Per displayed pixel, at
      // bps bytes a sample: the codec's picture and libheif's copy of it
      // (YCbCr as coded, plus alpha), about 2 bytes of codec state (measured
      // with libde265), then libheif's interleaved 8-bit RGB(A) and our copy
      // of it. Grids decode tile by tile, so this is a bound for them.
      // Measured against a 32.7 MP 10-bit HEIC: bench/heif/RESULTS.md.
      const uint64_t area =
          std::max(full, uint64_t(h.heif_largest_width) * uint64_t(h.heif_largest_height));
      const uint64_t bps = h.heif_bit_depth > 8 ? 2 : 1;
      const uint64_t samples_x2 = uint64_t(std::max(2, h.heif_samples_x2)) + (h.has_alpha ? 2 : 0);
      bytes += CeilDiv(area * samples_x2 * bps * 2, 2) + area * (2 + 2 * out_ch);
      // AV1 goes through libaom (heif_file.cpp says why), whose decoder holds
      // its frame buffers with borders and per-frame state besides: about 8
      // bytes per pixel of the coded item and a few MB of context above the
      // libde265-based figure. bench/heif/RESULTS.md has the measurements.
      if (h.heif_av1_coded_pixels > 0) bytes += h.heif_av1_coded_pixels * 8 + (8u << 20);
      return bytes;
    }
    case Format::kUnknown:
      break;
  }
  return bytes + full * out_ch;
}

Status CheckDecodeMemory(const HeaderInfo& h, const Limits& limits) {
  if (limits.memory_budget_bytes == 0) return Status::Ok();
  uint64_t need = 0;
  for (bool swap : {false, true}) {
    Size t = DecodeTargetSize(h, swap, limits.variants);
    need = std::max(need, DecodeFootprintBytes(h, t.width, t.height));
  }
  if (need <= limits.memory_budget_bytes) return Status::Ok();
  return Status::Error(ErrorCode::kOverMemoryBudget,
                       "decoding this " + Describe(h) + " needs about " +
                           std::to_string(CeilDiv(need, 1000000)) +
                           " MB, over the memory budget of " +
                           std::to_string(limits.memory_budget_bytes / 1000000) + " MB");
}

}  // namespace edgepix::image
