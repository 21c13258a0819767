// CRC-32 (ISO-HDLC: the one of ZIP, PNG, gzip and S3's x-amz-checksum-crc32),
// computed by zlib. Pure function; thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

namespace edgepix {

// Continues `crc` (0 to start) over `data`: Crc32(Crc32(0, a), b) == Crc32(0, a + b).
uint32_t Crc32(uint32_t crc, std::string_view data);

}  // namespace edgepix
