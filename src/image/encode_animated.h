// Animated GIF, WebP or PNG (APNG) -> animated WebP variants (libwebp's
// WebPAnimEncoder, from libwebpmux): every frame composited (GifFrames,
// WebPAnimDecoder, ApngFrames), resized per variant and added with its delay;
// the loop count kept.
//
// Promises: frame count and durations of the output equal the input's, except
// that a delay under 20 ms (0 or 1 hundredth) becomes 100 ms, as browsers
// play it. The GIF loop count n (NETSCAPE2.0, "repeat n more times") becomes
// WebP's n + 1 plays, 0 (forever) stays 0, and a GIF without one plays once;
// an APNG's num_plays is WebP's play count as it is (0 = forever).
// With animated_thumb false, the smallest variant is a still of the first frame.
//
// DecideAnimation says whether an animation is kept: at most max_frames
// frames, frames x width x height within limits.max_pixels and its memory
// (AnimationFootprintBytes) within limits.memory_budget_bytes; otherwise
// the caller makes stills of the first frame and shows `note` to the user.
// Thread-safe: no shared state; the caller holds the PixelBudget lease.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "image/header.h"
#include "image/pipeline.h"

namespace edgepix::image {

struct AnimationDecision {
  bool keep = false;
  std::string note;  // why not, when an animation is made a still
};

AnimationDecision DecideAnimation(const HeaderInfo& h, const std::vector<VariantSpec>& specs,
                                  const PipelineOptions& options);

// What encoding the animation holds at its peak: two RGBA screens (the canvas
// and a "restore to previous" copy) and, per variant, the encoder's canvases.
uint64_t AnimationFootprintBytes(const HeaderInfo& h, const std::vector<VariantSpec>& specs);

// Whether the image is an animation EncodeAnimation takes (GIF, WebP, APNG).
bool IsAnimation(const HeaderInfo& h);

struct AnimationOutput {
  std::vector<VariantOutput> variants;  // spec order
  std::string thumbhash;                // of the smallest variant's first frame
};

// Variants in spec order; on_variant is called for each as in ProcessImage.
Result<AnimationOutput> EncodeAnimation(std::string_view bytes, const HeaderInfo& h,
                                        const std::vector<VariantSpec>& specs,
                                        const PipelineOptions& options);

}  // namespace edgepix::image
