// GIF still: the first frame through GifFrames (giflib), on its logical
// screen. The header reader has already refused truncated files, bombs and
// first frames wholly off the screen.
//
// giflib refuses an LZW minimum code size over 8 (the spec's maximum), which
// some encoders write (image-rs issue 2811) and browsers show; only those
// first frames go through stb_image, which accepts up to 12, and are charged
// stb's memory (GifNeedsStb in DecodeFootprintBytes).

#include <stb/stb_image.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <string>

#include "image/decode.h"
#include "image/gif_frames.h"

namespace edgepix::image {
namespace {

Result<PixelBuffer> DecodeGifWithStb(std::string_view bytes, const HeaderInfo& h) {
  if (bytes.size() > size_t(INT_MAX)) {
    return Status::Error(ErrorCode::kUndecodable, "GIF: file too large");
  }
  auto* data = reinterpret_cast<const stbi_uc*>(bytes.data());
  const int len = static_cast<int>(bytes.size());
  // stb_image refuses a first frame that pokes out of the logical screen;
  // decode on a screen enlarged to hold it, then crop back to the screen.
  std::string enlarged;
  const int screen_w = h.probe.width, screen_h = h.probe.height;
  if (h.gif_frame_right > screen_w || h.gif_frame_bottom > screen_h) {
    enlarged.assign(bytes);
    int ew = std::max(screen_w, h.gif_frame_right), eh = std::max(screen_h, h.gif_frame_bottom);
    enlarged[6] = char(ew & 0xFF), enlarged[7] = char(ew >> 8);
    enlarged[8] = char(eh & 0xFF), enlarged[9] = char(eh >> 8);
    data = reinterpret_cast<const stbi_uc*>(enlarged.data());
  }
  int w = 0, ht = 0, n = 0;
  stbi_uc* px = stbi_load_from_memory(data, len, &w, &ht, &n, 4);
  if (!px) {
    const char* why = stbi_failure_reason();
    return Status::Error(ErrorCode::kUndecodable,
                         std::string("GIF: cannot decode (") + (why ? why : "unknown") + ")");
  }
  PixelBuffer buf = PixelBuffer::Adopt(px, w, ht, 4);
  if (!enlarged.empty() && w >= screen_w && ht >= screen_h) {
    // Crop in place: rows only move towards the start.
    const size_t row = size_t(screen_w) * 4;
    for (int y = 0; y < screen_h; ++y) {
      std::memmove(buf.pixels() + row * y, buf.pixels() + size_t(w) * 4 * y, row);
    }
    buf.width = w = screen_w;
    buf.height = ht = screen_h;
  }
  if (w != screen_w || ht != screen_h) {
    return Status::Error(ErrorCode::kUndecodable, "GIF: decoded size differs from the header");
  }
  return buf;
}

}  // namespace

bool GifNeedsStb(const HeaderInfo& h) { return h.gif_lzw_code_size > 8; }

Result<PixelBuffer> DecodeGif(std::string_view bytes, const HeaderInfo& h) {
  if (GifNeedsStb(h)) return DecodeGifWithStb(bytes, h);
  EDGEPIX_ASSIGN_OR_RETURN(auto frames, GifFrames::Open(bytes));
  GifFrames& gif = *frames;
  if (gif.width() != h.probe.width || gif.height() != h.probe.height) {
    return Status::Error(ErrorCode::kUndecodable, "GIF: decoded size differs from the header");
  }
  EDGEPIX_ASSIGN_OR_RETURN(auto drawn, gif.Next());
  if (!drawn) return Status::Error(ErrorCode::kUndecodable, "GIF: no image data");
  return gif.TakeCanvas();
}

}  // namespace edgepix::image
