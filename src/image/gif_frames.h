// GifFrames: a GIF's frames composited onto its logical screen, one at a time,
// through giflib (rows decoded one by one; the compositing is ours).
//
// Promises, as browsers show a GIF: the canvas starts transparent (the
// background colour index is ignored), each frame is clipped to the screen,
// its transparent index leaves the canvas as it was, interlaced rows land in
// their place, and the previous frame's disposal (none, restore to background
// = transparent, restore to previous) is applied before the next frame is
// drawn. A frame with neither a local nor a global colour table uses
// DefaultGifPalette. Colour indices past the table are left transparent.
//
// Memory: the RGBA canvas (4 bytes a screen pixel), one row of frame indices,
// and a second canvas only while a frame with "restore to previous" disposal
// is on screen (GifFootprintBytes counts it for every animation).
//
// Thread-safety: one object per thread; giflib keeps no global state. The
// object refers to `bytes`, which must outlive it. Errors: kUndecodable with
// giflib's reason ("GIF: ...").
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string_view>
#include <utility>

#include "common/status.h"
#include "image/pixel_buffer.h"

namespace edgepix::image {

struct GifFrameInfo {
  int delay_ms = 0;  // as stored (hundredths of a second x 10); 0 when absent
  int disposal = 0;  // 0 unspecified, 1 keep, 2 background, 3 previous
};

// Index i -> grey (i, i, i), opaque: what a frame without any colour table is
// drawn with (the GIF87a convention of an implied grey ramp).
const std::array<uint8_t, 256 * 3>& DefaultGifPalette();

class GifFrames {
 public:
  static Result<std::unique_ptr<GifFrames>> Open(std::string_view bytes);
  ~GifFrames();
  GifFrames(const GifFrames&) = delete;
  GifFrames& operator=(const GifFrames&) = delete;

  int width() const { return canvas_.width; }
  int height() const { return canvas_.height; }
  // Composites the next frame onto the canvas. False when the file has no
  // more frames (the trailer, or trailing junk after a complete frame).
  Result<bool> Next();
  // The screen after the last Next() that returned true (RGBA).
  const PixelBuffer& canvas() const { return canvas_; }
  // Moves the canvas out (a still needs no copy); Next() must not follow.
  PixelBuffer TakeCanvas() { return std::move(canvas_); }
  const GifFrameInfo& frame() const { return frame_; }
  // NETSCAPE2.0 loop count seen so far: 0 = forever, n = n more times, -1 =
  // none (play once). GIFs put it before the first frame.
  int loop_count() const { return loop_count_; }

 private:
  struct Impl;
  explicit GifFrames(std::unique_ptr<Impl> impl);
  Status DisposePrevious();
  Status DrawFrame();
  Status ReadExtension();

  std::unique_ptr<Impl> impl_;
  PixelBuffer canvas_;
  PixelBuffer saved_;  // the canvas before a "restore to previous" frame
  GifFrameInfo frame_;
  GifFrameInfo pending_;  // from the graphic control extension before a frame
  int transparent_ = -1;  // of the pending frame
  int prev_left_ = 0, prev_top_ = 0, prev_right_ = 0, prev_bottom_ = 0;  // clipped
  int loop_count_ = -1;
  bool any_frame_ = false;
};

}  // namespace edgepix::image
