// Header readers: format sniffing and per-format header parsing that never
// decodes pixels (JPEG SOF scan, PNG IHDR/chunk walk, GIF block walk, BMP info
// header, WebP VP8/VP8L/VP8X). Also collects where the metadata lives (EXIF
// TIFF block, ICC profile) so the decoder need not search again.
//
// Every read is bounds-checked against the input; a header that runs past the
// end of the input is kUndecodable ("truncated ..."). Limits are checked by
// CheckLimits, called by Probe and ProcessImage before any pixel allocation.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "image/pipeline.h"

namespace edgepix::image {

struct HeaderInfo {
  ProbeInfo probe;
  bool has_alpha = false;  // format/header says the image can carry alpha
  // GIF with >1 frame, WebP with ANIM, APNG (acTL) with >1 fcTL, an avis/msf1 (sequence) HEIF
  bool animated = false;
  int frame_count = 1;  // GIF: counted by the block walk; WebP: from the demuxer; APNG: fcTL chunks
  // GIF: edges of the first frame, which may exceed the screen.
  int gif_frame_left = 0;
  int gif_frame_top = 0;
  int gif_frame_right = 0;
  int gif_frame_bottom = 0;
  // GIF: the first frame's LZW minimum code size (the spec allows 2..8).
  int gif_lzw_code_size = 0;
  // JPEG
  int jpeg_components = 0;
  int jpeg_precision = 8;
  bool jpeg_adobe = false;        // APP14 "Adobe" present (CMYK stored inverted)
  bool jpeg_lossless = false;     // SOF3/7/11/15
  bool jpeg_progressive = false;  // SOF2/6/10/14: the decoder keeps every coefficient
  // Sum over components of h*v sampling factors, and the largest h * largest v:
  // samples per pixel = jpeg_sampling_sum / jpeg_sampling_max.
  int jpeg_sampling_sum = 0;
  int jpeg_sampling_max = 0;
  // PNG (IHDR)
  int png_depth = 0;  // bits per sample: 1, 2, 4, 8, 16
  int png_color = 0;  // colour type 0, 2, 3, 4, 6
  bool png_interlaced = false;
  // WebP: a VP8L (lossless) bitstream, whose decoder holds 4 bytes per pixel.
  bool webp_lossless = false;
  // HEIF family (libheif): luma bit depth of the primary image, and the
  // largest image item the file declares (any `ispe`, tiles and auxiliary
  // images included), so a grid of huge tiles is judged before decoding.
  int heif_bit_depth = 8;
  int heif_largest_width = 0;
  int heif_largest_height = 0;
  // Twice the samples a pixel of the most chroma-heavy coded item holds
  // (hvcC/av1C: 2 monochrome, 3 4:2:0, 4 4:2:2, 6 4:4:4 or not known).
  int heif_samples_x2 = 0;
  // Pixels of the largest AV1-coded item (a grid's tile, not the grid; 0 when
  // nothing is AV1): libaom's decoder state grows with it (decode_footprint).
  uint64_t heif_av1_coded_pixels = 0;
  // Some `colr` nclx box uses a code point libheif 1.15 has no name for (e.g.
  // matrix 16, YCgCo-Re): libheif's nclx getter then leaks what it allocated.
  bool heif_nclx_unknown_code = false;
  // True when the decoder returns the image already oriented (libheif applies
  // irot/imir/clap): the EXIF Orientation must then not be applied again.
  bool decoder_orients = false;
  // Metadata, views into the input (empty when absent).
  std::string_view exif_tiff;  // TIFF header onwards ("II*\0" / "MM\0*")
  std::string exif_copy;       // the same when it had to be copied out (HEIF Exif item)
  std::string icc;             // complete ICC profile (decompressed / reassembled / from nclx)

  std::string_view exif() const {
    return exif_tiff.empty() ? std::string_view(exif_copy) : exif_tiff;
  }
};

// A recognisable but unsupported format ("Canon CR3 raw", "TIFF", "SVG",
// "PDF", ...) or nullptr.
const char* DescribeUnsupported(std::string_view head);

// Parses the header of a supported format. With want_metadata, also locates
// EXIF and assembles the ICC profile (costs a little more for PNG iCCP).
Result<HeaderInfo> ReadHeader(std::string_view bytes, bool want_metadata);

// kTooManyPixels if the declared size exceeds limits, kUndecodable if zero.
Status CheckLimits(const ProbeInfo& info, const Limits& limits);
// Everything that can be judged from a header before any pixel is decoded,
// the same at intake (Probe) and in the worker (ProcessImage): CheckLimits, a
// GIF's first frame against its screen (the decoder's canvas must hold both),
// and CheckDecodeMemory.
Status CheckHeader(const HeaderInfo& h, const Limits& limits);

// BMP layout, shared by the header reader and the decoder's data checks.
struct BmpLayout {
  int width = 0;
  int height = 0;  // absolute value
  bool top_down = false;
  int bpp = 0;
  uint32_t compression = 0;  // 0 RGB, 1 RLE8, 2 RLE4, 3 BITFIELDS, 6 ALPHABITFIELDS
  uint32_t data_offset = 0;
  uint32_t palette_entries = 0;
  size_t palette_offset = 0;
  uint32_t masks[4] = {0, 0, 0, 0};  // r, g, b, a when BITFIELDS
};
Result<BmpLayout> ParseBmpLayout(std::string_view bytes);
// Pixel-data checks done only after limits: data present, palette indices
// within the palette.
Status CheckBmpData(std::string_view bytes, const BmpLayout& layout);

// Per-format readers used by ReadHeader (bytes start with the magic).
Status ReadJpegHeader(std::string_view bytes, bool want_metadata, HeaderInfo* out);
Status ReadPngHeader(std::string_view bytes, bool want_metadata, HeaderInfo* out);
Status ReadGifHeader(std::string_view bytes, HeaderInfo* out);
Status ReadBmpHeader(std::string_view bytes, HeaderInfo* out);
Status ReadWebpHeader(std::string_view bytes, bool want_metadata, HeaderInfo* out);
// HEIF family: an own walk over every `ispe` (works on a cut-short head too),
// then libheif's parse for the primary image (size as displayed, alpha, bit
// depth, Exif item, ICC or nclx colour turned into an ICC profile).
Status ReadHeifHeader(std::string_view bytes, bool want_metadata, HeaderInfo* out);

}  // namespace edgepix::image
