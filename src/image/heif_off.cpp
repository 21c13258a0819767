// Built instead of libheif's readers when EDGEPIX_HEIF=OFF (the static build:
// Debian has no static libheif): the HEIF family is sniffed, then refused.

#include "image/decode.h"
#include "image/header.h"

namespace edgepix::image {
namespace {

Status NotBuiltIn() {
  return Status::Error(ErrorCode::kUnsupportedFormat,
                       "HEIC/AVIF is not supported by this build (made without libheif); "
                       "convert to JPEG");
}

}  // namespace

bool HeifSupported() { return false; }

Status ReadHeifHeader(std::string_view, bool, HeaderInfo*) { return NotBuiltIn(); }

Result<PixelBuffer> DecodeHeif(std::string_view, const HeaderInfo&) { return NotBuiltIn(); }

}  // namespace edgepix::image
