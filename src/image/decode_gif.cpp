// GIF (first frame) decoding through stb_image. The header reader has
// already refused truncated files, bombs and first frames off the screen.

#include <stb/stb_image.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <string>

#include "image/decode.h"

namespace edgepix::image {

Result<PixelBuffer> DecodeGif(std::string_view bytes, const HeaderInfo& h) {
  const char* name = "GIF";
  if (bytes.size() > size_t(INT_MAX)) {
    return Status::Error(ErrorCode::kUndecodable, std::string(name) + ": file too large");
  }
  auto* data = reinterpret_cast<const stbi_uc*>(bytes.data());
  int len = static_cast<int>(bytes.size());
  const int req = 4;
  // stb_image refuses a first frame that pokes out of the logical screen;
  // decode on a screen enlarged to hold it, then crop back to the screen.
  std::string enlarged;
  int screen_w = h.probe.width, screen_h = h.probe.height;
  if (h.gif_frame_right > screen_w || h.gif_frame_bottom > screen_h) {
    enlarged.assign(bytes);
    int ew = std::max(screen_w, h.gif_frame_right), eh = std::max(screen_h, h.gif_frame_bottom);
    enlarged[6] = char(ew & 0xFF), enlarged[7] = char(ew >> 8);
    enlarged[8] = char(eh & 0xFF), enlarged[9] = char(eh >> 8);
    data = reinterpret_cast<const stbi_uc*>(enlarged.data());
  }
  int w = 0, ht = 0, n = 0;
  stbi_uc* px = stbi_load_from_memory(data, len, &w, &ht, &n, req);
  if (!px) {
    const char* why = stbi_failure_reason();
    return Status::Error(ErrorCode::kUndecodable,
                         std::string(name) + ": cannot decode (" + (why ? why : "unknown") + ")");
  }
  PixelBuffer buf = PixelBuffer::Adopt(px, w, ht, req);
  if (!enlarged.empty() && w >= screen_w && ht >= screen_h) {
    // Crop in place: rows only move towards the start.
    size_t row = size_t(screen_w) * req;
    for (int y = 0; y < screen_h; ++y) {
      std::memmove(buf.pixels() + row * y, buf.pixels() + size_t(w) * req * y, row);
    }
    buf.width = w = screen_w;
    buf.height = ht = screen_h;
  }
  if (w != h.probe.width || ht != h.probe.height) {
    return Status::Error(ErrorCode::kUndecodable,
                         std::string(name) + ": decoded size differs from the header");
  }
  return buf;
}

}  // namespace edgepix::image
