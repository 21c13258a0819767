// libFuzzer target: the HEIF family (HEIC, AVIF, other HEIF codecs): our ftyp
// sniffing, ispe walk and cut-head clamping, then libheif's parse and decode
// (libde265, dav1d, aom: the riskiest decoders edgepix links). Debian's
// libraries are not coverage-instrumented, so guidance comes from our code
// and the inputs' variety; a crash or an ASan report inside them still shows.
//
// Unlike fuzz_decode.h's shared body, the decode may be the header's size
// turned a quarter (libheif 1.15 sizes some handles before irot): it must
// never hold more pixels than were checked against the limits.
#include <algorithm>

#include "fuzz/fuzz_decode.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace edgepix;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (!image::IsHeifFamily(image::SniffFormat(bytes))) return -1;
  // A cut head, as intake probes it, goes through the clamping path too.
  (void)image::Probe(bytes.substr(0, size / 2 + 1), fuzz::FuzzLimits());
  auto header = image::ReadHeader(bytes, /*want_metadata=*/true);
  if (!header.ok()) return 0;
  if (!image::IsHeifFamily(header->probe.format)) std::abort();
  if (!image::CheckHeader(*header, fuzz::FuzzLimits()).ok()) return 0;
  Result<image::PixelBuffer> px = image::DecodeHeif(bytes, *header);
  if (px.ok()) {
    fuzz::TouchPixels(*px);
    const image::HeaderInfo& h = *header;
    const uint64_t checked =
        std::max(uint64_t(h.probe.width) * uint64_t(h.probe.height),
                 uint64_t(h.heif_largest_width) * uint64_t(h.heif_largest_height));
    if (uint64_t(px->width) * uint64_t(px->height) > checked) std::abort();
  } else if (px.status().code() == ErrorCode::kInternal) {
    std::abort();  // hostile input must be refused as undecodable/unsupported
  }
  return 0;
}
