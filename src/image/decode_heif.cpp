// HEIF-family decoding (HEIC, AVIF, other HEIF codecs libheif has) of the
// primary image through libheif: interleaved 8-bit RGB or RGBA, with the
// file's irot/imir/clap applied by libheif and 10/12-bit samples reduced to
// 8 bits by libheif (convert_hdr_to_8bit). Premultiplied alpha is undone so
// the result is straight alpha like every other decoder's.

#include <algorithm>
#include <cstring>
#include <string>

#include "image/decode.h"
#include "image/heif_file.h"

namespace edgepix::image {
namespace {

struct OptionsDeleter {
  void operator()(heif_decoding_options* o) const { heif_decoding_options_free(o); }
};

void Unpremultiply(PixelBuffer& buf) {
  const size_t n = size_t(buf.width) * buf.height;
  uint8_t* p = buf.pixels();
  for (size_t i = 0; i < n; ++i, p += 4) {
    const int a = p[3];
    if (a == 0 || a == 255) continue;
    for (int c = 0; c < 3; ++c) p[c] = uint8_t(std::min(255, (p[c] * 255 + a / 2) / a));
  }
}

}  // namespace

Result<PixelBuffer> DecodeHeif(std::string_view bytes, const HeaderInfo& h) {
  EDGEPIX_ASSIGN_OR_RETURN(auto primary, OpenHeifPrimary(bytes));
  heif_image_handle* handle = primary.handle.get();
  std::unique_ptr<heif_decoding_options, OptionsDeleter> options(heif_decoding_options_alloc());
  if (!options) return Status::Error(ErrorCode::kInternal, "HEIF: cannot allocate options");
  options->convert_hdr_to_8bit = 1;
  const bool alpha = h.has_alpha;
  heif_image* raw = nullptr;
  heif_error err = heif_decode_image(
      handle, &raw, heif_colorspace_RGB,
      alpha ? heif_chroma_interleaved_RGBA : heif_chroma_interleaved_RGB, options.get());
  HeifImagePtr img(raw);
  if (err.code != heif_error_Ok) return HeifStatus(err, "cannot decode the primary image");
  if (!img) return Status::Error(ErrorCode::kUndecodable, "HEIF: decoder returned no image");
  const int w = heif_image_get_width(img.get(), heif_channel_interleaved);
  const int ht = heif_image_get_height(img.get(), heif_channel_interleaved);
  const int bpp = heif_image_get_bits_per_pixel(img.get(), heif_channel_interleaved);
  const int channels = alpha ? 4 : 3;
  // libheif 1.15 may size a handle before its irot/clap (see pipeline.cpp),
  // so the decode may differ from the header: never larger than what the
  // limits were checked on, though (the header's size or the largest item).
  const uint64_t checked =
      std::max(uint64_t(h.probe.width) * uint64_t(h.probe.height),
               uint64_t(h.heif_largest_width) * uint64_t(h.heif_largest_height));
  const int checked_side =
      std::max({h.probe.width, h.probe.height, h.heif_largest_width, h.heif_largest_height});
  if (w <= 0 || ht <= 0 || uint64_t(w) * uint64_t(ht) > checked || w > checked_side ||
      ht > checked_side || bpp != channels * 8) {
    return Status::Error(ErrorCode::kUndecodable,
                         "HEIF: decoded image is " + std::to_string(w) + "x" + std::to_string(ht) +
                             " at " + std::to_string(bpp) + " bits a pixel, larger than the " +
                             std::to_string(h.probe.width) + "x" + std::to_string(h.probe.height) +
                             " its header declares");
  }
  int stride = 0;
  const uint8_t* src = heif_image_get_plane_readonly(img.get(), heif_channel_interleaved, &stride);
  if (!src || stride < w * channels) {
    return Status::Error(ErrorCode::kUndecodable, "HEIF: decoded image has no pixels");
  }
  EDGEPIX_ASSIGN_OR_RETURN(auto buf, PixelBuffer::Allocate(w, ht, channels));
  for (int y = 0; y < ht; ++y) {
    std::memcpy(buf.row(y), src + size_t(y) * size_t(stride), buf.stride());
  }
  const bool premultiplied = alpha && heif_image_is_premultiplied_alpha(img.get());
  img.reset();  // libheif's copy goes before any further work
  if (premultiplied) Unpremultiply(buf);
  return buf;
}

}  // namespace edgepix::image
