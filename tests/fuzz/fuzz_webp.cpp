// libFuzzer target: WebP header reader (VP8/VP8L/VP8X/ANIM) + libwebp decode.
#include "fuzz/fuzz_decode.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace edgepix;
  return fuzz::FuzzOneDecoder(image::Format::kWebp, data, size,
                              [](std::string_view b, const image::HeaderInfo& h, int w, int ht) {
                                return image::DecodeWebp(b, h, w, ht);
                              });
}
