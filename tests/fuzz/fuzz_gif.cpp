// libFuzzer target: GIF block walk (first frame bounds) + stb_image decode,
// including the enlarged-screen path for frames outside the logical screen.
#include <algorithm>

#include "fuzz/fuzz_decode.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace edgepix;
  return fuzz::FuzzOneDecoder(
      image::Format::kGif, data, size,
      [](std::string_view b, const image::HeaderInfo& h, int, int) -> Result<image::PixelBuffer> {
        // ProcessImage also limits the canvas the first frame needs.
        image::ProbeInfo canvas = h.probe;
        canvas.width = std::max(canvas.width, h.gif_frame_right);
        canvas.height = std::max(canvas.height, h.gif_frame_bottom);
        Status st = image::CheckLimits(canvas, fuzz::FuzzLimits());
        if (!st.ok()) return st;
        return image::DecodeWithStb(b, h);
      });
}
