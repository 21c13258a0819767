// libFuzzer target: PNG chunk walk (IHDR, iCCP, eXIf) + stb_image decode.
#include "fuzz/fuzz_decode.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace edgepix;
  return fuzz::FuzzOneDecoder(image::Format::kPng, data, size,
                              [](std::string_view b, const image::HeaderInfo& h, int, int) {
                                return image::DecodeWithStb(b, h);
                              });
}
