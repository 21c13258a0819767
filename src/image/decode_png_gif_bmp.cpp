// PNG, GIF (first frame) and BMP decoding through stb_image. The header
// reader has already refused truncated files and bombs; BMP pixel data is
// checked here (after limits) because stb_image accepts some invalid files.

#include <stb/stb_image.h>

#include <climits>
#include <string>

#include "image/decode.h"

namespace edgepix::image {

Result<PixelBuffer> DecodeWithStb(std::string_view bytes, const HeaderInfo& h) {
  const char* name = FormatName(h.probe.format);
  if (bytes.size() > size_t(INT_MAX)) {
    return Status::Error(ErrorCode::kUndecodable, std::string(name) + ": file too large");
  }
  auto* data = reinterpret_cast<const stbi_uc*>(bytes.data());
  int len = static_cast<int>(bytes.size());
  int req = 3;
  if (h.probe.format == Format::kBmp) {
    auto layout = ParseBmpLayout(bytes);
    if (!layout.ok()) return layout.status();
    EDGEPIX_RETURN_IF_ERROR(CheckBmpData(bytes, *layout));
    int iw, ih, comp = 3;
    if (stbi_info_from_memory(data, len, &iw, &ih, &comp) && comp == 4) req = 4;
  } else if (h.probe.format == Format::kGif || h.has_alpha) {
    req = 4;
  }
  int w = 0, ht = 0, n = 0;
  stbi_uc* px = stbi_load_from_memory(data, len, &w, &ht, &n, req);
  if (!px) {
    const char* why = stbi_failure_reason();
    return Status::Error(ErrorCode::kUndecodable,
                         std::string(name) + ": cannot decode (" + (why ? why : "unknown") + ")");
  }
  PixelBuffer buf = PixelBuffer::Adopt(px, w, ht, req);
  if (w != h.probe.width || ht != h.probe.height) {
    return Status::Error(ErrorCode::kUndecodable,
                         std::string(name) + ": decoded size differs from the header");
  }
  return buf;
}

}  // namespace edgepix::image
