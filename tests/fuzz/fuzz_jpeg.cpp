// libFuzzer target: JPEG header reader + libjpeg decode (scaled, CMYK/YCCK, warnings kept).
#include "fuzz/fuzz_decode.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace edgepix;
  return fuzz::FuzzOneDecoder(image::Format::kJpeg, data, size,
                              [](std::string_view b, const image::HeaderInfo& h, int w, int ht) {
                                return image::DecodeJpeg(b, h, w, ht);
                              });
}
