// common/crc32.h: the standard check value and chaining.
#include "common/crc32.h"

#include <catch2/catch.hpp>
#include <string>

TEST_CASE("Crc32 gives the CRC-32 check value and chains over pieces", "[common][crc32]") {
  CHECK(edgepix::Crc32(0, "123456789") == 0xCBF43926u);  // the catalogue's check value
  CHECK(edgepix::Crc32(0, "") == 0u);
  const std::string whole = "The quick brown fox jumps over the lazy dog";
  CHECK(edgepix::Crc32(0, whole) == 0x414FA339u);
  CHECK(edgepix::Crc32(edgepix::Crc32(0, whole.substr(0, 10)), whole.substr(10)) == 0x414FA339u);
}
