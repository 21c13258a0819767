// The CRC-32 of PNG chunks (ISO 3309 / ITU-T V.42, as in the PNG spec's
// annex): over a chunk's type and data. Pure function; thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

namespace edgepix::image {

uint32_t PngCrc32(std::string_view data);

}  // namespace edgepix::image
