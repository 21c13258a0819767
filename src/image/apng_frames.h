// ApngFrames: an animated PNG's frames composited onto its canvas, one at a
// time. Debian's libpng 1.6 has no APNG support (the APNG patch is not
// applied; png.h declares no acTL API), so the animation chunks are read
// here: for each frame, its fcTL (size, offset, delay, dispose and blend
// operations) and its image data (the IDAT chunks when the default image is
// the first frame, else the frame's fdAT chunks without their sequence
// numbers) are rebuilt into a standalone PNG stream (IHDR with the frame's
// size, PLTE and tRNS copied, CRCs recomputed, IEND) that the ordinary PNG
// decoder (DecodePng, libpng) decodes; the compositing is ours.
//
// Promises, as the APNG specification and browsers show it: the canvas starts
// fully transparent; a frame must lie inside the canvas (else kUndecodable);
// blend "source" replaces the frame's rectangle, "over" alpha-composites onto
// it; after a frame, dispose "none" leaves it, "background" clears its
// rectangle to transparent, "previous" restores the rectangle to what it was
// before the frame ("previous" on the first frame counts as "background").
// A default image that is not part of the animation (no fcTL before IDAT) is
// skipped. fcTL and fdAT sequence numbers must run 0, 1, 2, ... (else
// kUndecodable; the pipeline then shows the default image, as browsers do). Delays are delay_num /
// delay_den seconds (den 0 = 100), in ms.
//
// Memory: the RGBA canvas, a copy of it only while a "previous" frame is on
// screen, and one decoded frame (at most the canvas size, RGBA): the three
// screens AnimationFootprintBytes counts. Each frame's rebuilt stream (its
// compressed data, at most the file's size) is not counted, as the file's own
// bytes are not.
//
// Thread-safety: one object per thread. The object refers to `bytes`, which
// must outlive it. Errors: kUndecodable ("APNG: ..." or the PNG decoder's).
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "image/pixel_buffer.h"

namespace edgepix::image {

class ApngFrames {
 public:
  // Walks the chunks (no pixel is decoded yet). kUndecodable when there is no
  // acTL, no frame, or a frame's control chunk is malformed.
  static Result<std::unique_ptr<ApngFrames>> Open(std::string_view bytes);

  int width() const { return canvas_.width; }
  int height() const { return canvas_.height; }
  int frame_count() const { return static_cast<int>(frames_.size()); }
  // acTL num_plays: 0 = forever, n = n plays.
  int plays() const { return plays_; }
  // Composites the next frame onto the canvas. False after the last one.
  Result<bool> Next();
  // The canvas after the last Next() that returned true (RGBA).
  const PixelBuffer& canvas() const { return canvas_; }
  int delay_ms() const { return delay_ms_; }

  struct Frame {
    int width = 0, height = 0, x = 0, y = 0;
    int delay_ms = 0;
    int dispose = 0;                     // 0 none, 1 background, 2 previous
    int blend = 0;                       // 0 source, 1 over
    std::vector<std::string_view> data;  // zlib stream parts, in order
  };

 private:
  ApngFrames() = default;
  Status Dispose();

  std::string_view ihdr_;                      // the 13 IHDR data bytes
  std::vector<std::string_view> copy_chunks_;  // PLTE, tRNS: whole chunks
  std::vector<Frame> frames_;
  size_t next_ = 0;
  int plays_ = 0;
  int delay_ms_ = 0;
  PixelBuffer canvas_;
  PixelBuffer saved_;  // the canvas before a "previous" frame
};

}  // namespace edgepix::image
