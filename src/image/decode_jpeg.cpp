// JPEG decoding with TurboJPEG: DCT-domain scaling (shrink on load), CMYK and
// YCCK to sRGB, grayscale expanded to RGB. Warnings from libjpeg are treated
// as corruption, except "extraneous bytes before marker", which real cameras
// and MJPEG streams produce and which every mainstream decoder tolerates.

#include <turbojpeg.h>

#include <algorithm>
#include <memory>
#include <string>

#include "image/decode.h"
#include "image/icc.h"

namespace edgepix::image {
namespace {

struct TjDeleter {
  void operator()(void* h) const { tjDestroy(h); }
};

bool Benign(const std::string& msg) { return msg.find("extraneous bytes") != std::string::npos; }

Status TjError(const std::string& msg) {
  if (msg.find("Unsupported") != std::string::npos || msg.find("precision") != std::string::npos ||
      msg.find("not supported") != std::string::npos) {
    return Status::Error(ErrorCode::kUnsupportedFormat, "JPEG variant not supported: " + msg);
  }
  return Status::Error(ErrorCode::kUndecodable, "JPEG: corrupt or truncated data: " + msg);
}

// Smallest scaling factor <= 1 that keeps both sides at least the minimum.
tjscalingfactor ChooseScale(int w, int h, int min_w, int min_h) {
  tjscalingfactor best{1, 1};
  int n = 0;
  tjscalingfactor* f = tjGetScalingFactors(&n);
  for (int i = 0; f && i < n; ++i) {
    if (f[i].num > f[i].denom) continue;
    int sw = TJSCALED(w, f[i]), sh = TJSCALED(h, f[i]);
    bool smaller = int64_t(f[i].num) * best.denom < int64_t(best.num) * f[i].denom;
    if (sw >= min_w && sh >= min_h && smaller) {
      best = f[i];
    }
  }
  return best;
}

}  // namespace

Size JpegOutputSize(int width, int height, int min_width, int min_height) {
  tjscalingfactor sf = ChooseScale(width, height, min_width, min_height);
  return {TJSCALED(width, sf), TJSCALED(height, sf)};
}

Result<PixelBuffer> DecodeJpeg(std::string_view bytes, const HeaderInfo& h, int min_width,
                               int min_height) {
  if (h.jpeg_lossless) {
    return Status::Error(ErrorCode::kUnsupportedFormat, "lossless JPEG is not supported");
  }
  if (h.jpeg_precision != 8) {
    return Status::Error(ErrorCode::kUnsupportedFormat,
                         std::to_string(h.jpeg_precision) + "-bit JPEG is not supported");
  }
  std::unique_ptr<void, TjDeleter> tj(tjInitDecompress());
  if (!tj) return Status::Error(ErrorCode::kInternal, "tjInitDecompress failed");
  auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  unsigned long size = static_cast<unsigned long>(bytes.size());
  int w = 0, ht = 0, subsamp = 0, cs = 0;
  if (tjDecompressHeader3(tj.get(), data, size, &w, &ht, &subsamp, &cs) != 0) {
    std::string msg = tjGetErrorStr2(tj.get());
    // TurboJPEG 2.1 refuses to describe unusual sampling factors (seen in
    // CMYK files) although it decodes them fine: use our own SOF reading.
    if (msg.find("subsampling") == std::string::npos) return TjError(msg);
    w = h.probe.width;
    ht = h.probe.height;
    cs = h.jpeg_components == 4   ? (h.jpeg_adobe ? TJCS_YCCK : TJCS_CMYK)
         : h.jpeg_components == 1 ? TJCS_GRAY
                                  : TJCS_YCbCr;
  }
  if (w != h.probe.width || ht != h.probe.height) {
    return Status::Error(ErrorCode::kUndecodable, "JPEG: inconsistent frame headers");
  }
  const Size scaled = JpegOutputSize(w, ht, min_width, min_height);
  const int sw = scaled.width, sh = scaled.height;
  bool cmyk = cs == TJCS_CMYK || cs == TJCS_YCCK;
  int channels = cmyk ? 4 : 3;
  EDGEPIX_ASSIGN_OR_RETURN(auto buf, PixelBuffer::Allocate(sw, sh, channels));
  int pf = cmyk ? TJPF_CMYK : TJPF_RGB;
  int flags = TJFLAG_STOPONWARNING | TJFLAG_LIMITSCANS;
  if (tjDecompress2(tj.get(), data, size, buf.pixels(), sw, 0, sh, pf, flags) != 0) {
    std::string msg = tjGetErrorStr2(tj.get());
    if (tjGetErrorCode(tj.get()) != TJERR_WARNING || !Benign(msg)) return TjError(msg);
    // Only tolerable warnings so far: decode again without stopping, then
    // require that the last warning was tolerable too.
    flags &= ~TJFLAG_STOPONWARNING;
    if (tjDecompress2(tj.get(), data, size, buf.pixels(), sw, 0, sh, pf, flags) != 0) {
      msg = tjGetErrorStr2(tj.get());
      if (tjGetErrorCode(tj.get()) != TJERR_WARNING || !Benign(msg)) return TjError(msg);
    }
  }
  if (cmyk) return CmykToRgb(buf.pixels(), sw, sh, h.icc, h.jpeg_adobe);
  return buf;
}

}  // namespace edgepix::image
