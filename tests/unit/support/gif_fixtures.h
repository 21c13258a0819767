// GIFs the tests make with giflib's encoder (the real library, no hand-made
// LZW): frames with positions, disposal, delays, transparency, interlacing,
// local or global colour tables, a loop count, and a variant without any
// colour table (giflib refuses to write one, so it is stripped afterwards).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace edgepix::testing {

struct GifFrameSpec {
  int left = 0, top = 0, width = 1, height = 1;
  std::vector<uint8_t> indices;        // width * height, top to bottom
  int disposal = 0;                    // 0..3
  int delay_cs = 0;                    // hundredths of a second
  int transparent = -1;                // index, or -1
  bool interlace = false;              // rows written in the four-pass order
  std::vector<uint8_t> local_palette;  // RGB triples (power-of-two count), or empty
};

struct GifSpec {
  int width = 1, height = 1;
  std::vector<uint8_t> palette;  // global RGB triples (power-of-two count), or empty
  int loop_count = -1;           // NETSCAPE2.0 loops, -1 = no extension
  std::vector<GifFrameSpec> frames;
};

std::string MakeGifFrom(const GifSpec& spec);
// `gif` with its global colour table removed (flag cleared, bytes cut).
std::string StripGlobalPalette(const std::string& gif);
// An animation of `frames` full-screen frames of w x h, each a different
// flat colour, `delay_cs` apart, looping forever.
std::string MakeAnimatedGif(int w, int h, int frames, int delay_cs);

}  // namespace edgepix::testing
