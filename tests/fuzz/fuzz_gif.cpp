// libFuzzer target: GIF block walk (first frame bounds, checked against the
// screen by CheckHeader) + stb_image decode, including the enlarged-screen
// path for frames partly outside the logical screen.
#include "fuzz/fuzz_decode.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace edgepix;
  return fuzz::FuzzOneDecoder(image::Format::kGif, data, size,
                              [](std::string_view b, const image::HeaderInfo& h, int, int) {
                                return image::DecodeGif(b, h);
                              });
}
