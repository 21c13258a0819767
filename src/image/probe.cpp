// Probe: sniff, dispatch to the per-format header reader, check limits.

#include <string>

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

Result<HeaderInfo> ReadHeader(std::string_view bytes, bool want_metadata) {
  HeaderInfo h;
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
    case Format::kUnknown: {
      if (const char* name = DescribeUnsupported(bytes)) {
        return Status::Error(ErrorCode::kUnsupportedFormat,
                             std::string(name) + " is not supported; convert to JPEG");
      }
      return Status::Error(ErrorCode::kUnsupportedFormat,
                           "not an accepted image format (JPEG, PNG, GIF, BMP or WebP)");
    }
  }
  if (!st.ok()) return st;
  return h;
}

Result<ProbeInfo> Probe(std::string_view bytes, const Limits& limits) {
  auto h = ReadHeader(bytes, /*want_metadata=*/false);
  if (!h.ok()) return h.status();
  EDGEPIX_RETURN_IF_ERROR(CheckLimits(h->probe, limits));
  return h->probe;
}

}  // namespace edgepix::image
