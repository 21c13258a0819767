// WebP decoding with libwebp: still images decode straight into our buffer,
// scaled on load when opaque (libwebp's rescaler is not alpha-weighted, so
// images with alpha decode at full size); animations give their first frame
// composited on the canvas by WebPAnimDecoder.

#include <webp/decode.h>
#include <webp/demux.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>

#include "image/decode.h"

namespace edgepix::image {
namespace {

const char* StatusName(VP8StatusCode s) {
  switch (s) {
    case VP8_STATUS_OUT_OF_MEMORY:
      return "out of memory";
    case VP8_STATUS_INVALID_PARAM:
      return "invalid parameter";
    case VP8_STATUS_BITSTREAM_ERROR:
      return "bitstream error";
    case VP8_STATUS_UNSUPPORTED_FEATURE:
      return "unsupported feature";
    case VP8_STATUS_SUSPENDED:
      return "suspended";
    case VP8_STATUS_USER_ABORT:
      return "aborted";
    case VP8_STATUS_NOT_ENOUGH_DATA:
      return "truncated data";
    default:
      return "error";
  }
}

struct AnimDecoderDeleter {
  void operator()(WebPAnimDecoder* d) const { WebPAnimDecoderDelete(d); }
};

Result<PixelBuffer> DecodeFirstFrame(std::string_view bytes, const HeaderInfo& h) {
  WebPAnimDecoderOptions opts;
  if (!WebPAnimDecoderOptionsInit(&opts)) {
    return Status::Error(ErrorCode::kInternal, "WebP: decoder version mismatch");
  }
  opts.color_mode = MODE_RGBA;
  opts.use_threads = 0;
  WebPData data{reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()};
  std::unique_ptr<WebPAnimDecoder, AnimDecoderDeleter> dec(WebPAnimDecoderNew(&data, &opts));
  if (!dec) return Status::Error(ErrorCode::kUndecodable, "WebP: invalid animation");
  WebPAnimInfo info;
  if (!WebPAnimDecoderGetInfo(dec.get(), &info) || int(info.canvas_width) != h.probe.width ||
      int(info.canvas_height) != h.probe.height) {
    return Status::Error(ErrorCode::kUndecodable, "WebP: inconsistent animation canvas");
  }
  uint8_t* frame = nullptr;
  int timestamp = 0;
  if (!WebPAnimDecoderGetNext(dec.get(), &frame, &timestamp) || !frame) {
    return Status::Error(ErrorCode::kUndecodable, "WebP: cannot decode the first frame");
  }
  EDGEPIX_ASSIGN_OR_RETURN(auto buf, PixelBuffer::Allocate(h.probe.width, h.probe.height, 4));
  std::memcpy(buf.pixels(), frame, buf.size());
  return buf;
}

}  // namespace

Size WebpOutputSize(const HeaderInfo& h, int min_width, int min_height) {
  int w = h.probe.width, ht = h.probe.height;
  // Scale on load only when it saves real work (at least 2x on both sides).
  if (!h.animated && !h.has_alpha && min_width > 0 && min_height > 0 && min_width * 2 <= w &&
      min_height * 2 <= ht) {
    double s = std::max(double(min_width) / w, double(min_height) / ht);
    w = std::max(min_width, static_cast<int>(w * s + 0.999));
    ht = std::max(min_height, static_cast<int>(ht * s + 0.999));
  }
  return {w, ht};
}

Result<PixelBuffer> DecodeWebp(std::string_view bytes, const HeaderInfo& h, int min_width,
                               int min_height) {
  if (h.animated) return DecodeFirstFrame(bytes, h);
  WebPDecoderConfig config;
  if (!WebPInitDecoderConfig(&config)) {
    return Status::Error(ErrorCode::kInternal, "WebP: decoder version mismatch");
  }
  const Size out = WebpOutputSize(h, min_width, min_height);
  const int w = out.width, ht = out.height;
  const int channels = h.has_alpha ? 4 : 3;
  if (w != h.probe.width || ht != h.probe.height) {
    config.options.use_scaling = 1;
    config.options.scaled_width = w;
    config.options.scaled_height = ht;
  }
  EDGEPIX_ASSIGN_OR_RETURN(auto buf, PixelBuffer::Allocate(w, ht, channels));
  config.output.colorspace = channels == 4 ? MODE_RGBA : MODE_RGB;
  config.output.is_external_memory = 1;
  config.output.u.RGBA.rgba = buf.pixels();
  config.output.u.RGBA.stride = static_cast<int>(buf.stride());
  config.output.u.RGBA.size = buf.size();
  VP8StatusCode st =
      WebPDecode(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), &config);
  WebPFreeDecBuffer(&config.output);  // no-op for external memory, kept for symmetry
  if (st != VP8_STATUS_OK) {
    return Status::Error(ErrorCode::kUndecodable, std::string("WebP: ") + StatusName(st));
  }
  return buf;
}

}  // namespace edgepix::image
