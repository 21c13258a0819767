#include "image/png_crc.h"

#include "common/crc32.h"

namespace edgepix::image {

uint32_t PngCrc32(std::string_view data) { return Crc32(0, data); }

}  // namespace edgepix::image
