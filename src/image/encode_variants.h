// Encodes a set of ready (resized, oriented) variant buffers to WebP, smallest
// first, optionally handing the largest one to a helper thread.
//
// Buffers are read-only here, so sharing one buffer between variants is safe
// on both threads. Output bytes do not depend on the thread used (libwebp is
// deterministic with thread_level 0). on_variant, if set, runs on the calling
// thread in ascending pixel order, each call as soon as that variant exists.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "common/status.h"
#include "image/pipeline.h"
#include "image/pixel_buffer.h"

namespace edgepix::image {

struct ReadyVariant {
  const VariantSpec* spec = nullptr;
  std::shared_ptr<const PixelBuffer> pixels;
};

// Returns the outputs in the order of `ready`. With use_helper, the largest
// variant is encoded on a second thread while this one encodes the others.
Result<std::vector<VariantOutput>> EncodeVariants(
    const std::vector<ReadyVariant>& ready, int webp_method, bool use_helper,
    const std::function<void(const VariantOutput&)>& on_variant);

}  // namespace edgepix::image
