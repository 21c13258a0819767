// libFuzzer target: BMP layout parsing, data checks and our own BMP decoder.
#include "fuzz/fuzz_decode.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace edgepix;
  return fuzz::FuzzOneDecoder(image::Format::kBmp, data, size,
                              [](std::string_view b, const image::HeaderInfo& h, int, int) {
                                return image::DecodeBmp(b, h);
                              });
}
