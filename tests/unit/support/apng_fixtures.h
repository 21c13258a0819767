// Test fixtures: animated PNGs (APNG) written here, chunk by chunk (zlib for
// the image data), so the tests control every fcTL field. Frames are RGBA
// 8-bit; the default image is the first frame unless `hidden_default`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace edgepix::testing {

struct ApngFrameSpec {
  int width = 0, height = 0, x = 0, y = 0;
  uint16_t delay_num = 1, delay_den = 10;
  uint8_t dispose = 0;           // 0 none, 1 background, 2 previous
  uint8_t blend = 0;             // 0 source, 1 over
  std::vector<uint8_t> rgba;     // width * height * 4; empty = one flat colour
  uint32_t colour = 0xff0000ff;  // RGBA for a flat frame
};

struct ApngSpec {
  int width = 0, height = 0;
  uint32_t plays = 0;           // 0 = forever
  bool hidden_default = false;  // an extra IDAT image that is not a frame
  std::vector<ApngFrameSpec> frames;
};

std::string MakeApng(const ApngSpec& spec);

// `frames` full-canvas flat frames of w x h, each `delay_ms` long, forever.
std::string MakeSimpleApng(int w, int h, int frames, int delay_ms);

}  // namespace edgepix::testing
