// libFuzzer target: PNG chunk walk (IHDR, iCCP, eXIf) + libpng row decode,
// shrunk on load by the size ChooseMinSize varies.
#include "fuzz/fuzz_decode.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace edgepix;
  return fuzz::FuzzOneDecoder(image::Format::kPng, data, size,
                              [](std::string_view b, const image::HeaderInfo& h, int w, int ht) {
                                return image::DecodePng(b, h, w, ht);
                              });
}
