// Probe: sniff, dispatch to the per-format header reader, check limits.

#include <algorithm>
#include <string>

#include "image/decode.h"
#include "image/header.h"
#include "image/pipeline.h"

namespace edgepix::image {

Status CheckLimits(const ProbeInfo& info, const Limits& limits) {
  if (info.width <= 0 || info.height <= 0) {
    return Status::Error(ErrorCode::kUndecodable, std::string(FormatName(info.format)) +
                                                      " header declares an empty image (" +
                                                      std::to_string(info.width) + "x" +
                                                      std::to_string(info.height) + ")");
  }
  uint64_t pixels = uint64_t(info.width) * uint64_t(info.height);
  std::string dims = std::to_string(info.width) + "x" + std::to_string(info.height);
  if (info.width > limits.max_side || info.height > limits.max_side) {
    return Status::Error(ErrorCode::kTooManyPixels, "image declares " + dims +
                                                        ", a side over the limit of " +
                                                        std::to_string(limits.max_side) + " px");
  }
  if (pixels > limits.max_pixels) {
    return Status::Error(ErrorCode::kTooManyPixels,
                         "image declares " + dims + " = " + std::to_string(pixels / 1000000) +
                             " megapixels, over the limit of " +
                             std::to_string(limits.max_pixels / 1000000) + " megapixels");
  }
  return Status::Ok();
}

namespace {

// The largest side a GIF screen can declare (16 bits).
constexpr int kGifMaxSide = 65535;

Status CheckGifCanvas(const HeaderInfo& h, const Limits& limits) {
  const int sw = h.probe.width, sh = h.probe.height;
  if (h.gif_frame_right <= sw && h.gif_frame_bottom <= sh) return Status::Ok();
  std::string frame = "the first frame (" + std::to_string(h.gif_frame_right - h.gif_frame_left) +
                      "x" + std::to_string(h.gif_frame_bottom - h.gif_frame_top) + " at " +
                      std::to_string(h.gif_frame_left) + "," + std::to_string(h.gif_frame_top) +
                      ")";
  std::string screen = std::to_string(sw) + "x" + std::to_string(sh) + " screen";
  if (h.gif_frame_left >= sw || h.gif_frame_top >= sh) {
    return Status::Error(ErrorCode::kUndecodable, "GIF: " + frame + " lies wholly outside the " +
                                                      screen + ": nothing to show");
  }
  ProbeInfo canvas = h.probe;
  canvas.width = std::max(sw, h.gif_frame_right);
  canvas.height = std::max(sh, h.gif_frame_bottom);
  if (canvas.width > kGifMaxSide || canvas.height > kGifMaxSide) {
    return Status::Error(ErrorCode::kUndecodable, "GIF: " + frame + " reaches past the " + screen +
                                                      " and beyond the largest GIF canvas (" +
                                                      std::to_string(kGifMaxSide) + " px a side)");
  }
  Status st = CheckLimits(canvas, limits);
  if (!st.ok()) {
    // Its rows are decoded (then clipped) whole: their extent is held to the
    // same limits as a screen, so a frame cannot be a CPU bomb.
    return Status::Error(st.code(), "GIF: " + frame + " reaches past the " + screen +
                                        ", and its extent is over the limits: " + st.message());
  }
  return Status::Ok();
}

Status ReadHeaderInto(std::string_view bytes, bool want_metadata, HeaderInfo& h) {
  if (bytes.empty()) return Status::Error(ErrorCode::kUnsupportedFormat, "empty file");
  h.probe.format = SniffFormat(bytes);
  Status st;
  switch (h.probe.format) {
    case Format::kJpeg:
      st = ReadJpegHeader(bytes, want_metadata, &h);
      break;
    case Format::kPng:
      st = ReadPngHeader(bytes, want_metadata, &h);
      break;
    case Format::kGif:
      st = ReadGifHeader(bytes, &h);
      break;
    case Format::kBmp:
      st = ReadBmpHeader(bytes, &h);
      break;
    case Format::kWebp:
      st = ReadWebpHeader(bytes, want_metadata, &h);
      break;
    case Format::kHeic:
    case Format::kAvif:
    case Format::kHeif:
      st = ReadHeifHeader(bytes, want_metadata, &h);
      break;
    case Format::kUnknown: {
      if (const char* name = DescribeUnsupported(bytes)) {
        return Status::Error(ErrorCode::kUnsupportedFormat,
                             std::string(name) + " is not supported; convert to JPEG");
      }
      return Status::Error(
          ErrorCode::kUnsupportedFormat,
          "not an accepted image format (JPEG, PNG, GIF, BMP, WebP, HEIC or AVIF)");
    }
  }
  return st;
}

}  // namespace

Status CheckHeader(const HeaderInfo& h, const Limits& limits) {
  EDGEPIX_RETURN_IF_ERROR(CheckLimits(h.probe, limits));
  if (h.probe.format == Format::kGif) EDGEPIX_RETURN_IF_ERROR(CheckGifCanvas(h, limits));
  if (IsHeifFamily(h.probe.format) && h.heif_largest_width > 0) {
    // Tiles, alpha and auxiliary items are decoded too: none may be larger.
    ProbeInfo item = h.probe;
    item.width = h.heif_largest_width;
    item.height = h.heif_largest_height;
    Status st = CheckLimits(item, limits);
    if (!st.ok()) return Status::Error(st.code(), "HEIF: an image item inside: " + st.message());
  }
  return CheckDecodeMemory(h, limits);
}

Result<HeaderInfo> ReadHeader(std::string_view bytes, bool want_metadata) {
  HeaderInfo h;
  EDGEPIX_RETURN_IF_ERROR(ReadHeaderInto(bytes, want_metadata, h));
  return h;
}

Result<ProbeInfo> Probe(std::string_view bytes, const Limits& limits) {
  HeaderInfo h;
  Status st = ReadHeaderInto(bytes, /*want_metadata=*/false, h);
  if (!st.ok()) {
    // Intake probes only the first bytes of a large file: what the header
    // declared before the cut is still checked, so a bomb is refused at once.
    if (st.code() == ErrorCode::kUndecodable && h.probe.width > 0 && h.probe.height > 0) {
      EDGEPIX_RETURN_IF_ERROR(CheckHeader(h, limits));
    }
    return st;
  }
  EDGEPIX_RETURN_IF_ERROR(CheckHeader(h, limits));
  return h.probe;
}

}  // namespace edgepix::image
