// Which variant ProcessImage makes first from a reduced decode of its own.
//
// A baseline JPEG's smallest variant (the thumb) needs only a fraction of the
// pixels the largest needs: libjpeg's DCT scaling (1/8 .. 8/8) decodes it from
// the same file at, say, 1/8 scale for a small part of the full decode's CPU.
// ProcessImage then encodes and publishes it before the full decode starts, so
// the thumb is fetchable tens of milliseconds after the job starts (only when
// PipelineOptions::on_variant is set: without a listener the order is moot). Chosen only
// where it pays: a baseline (not progressive: that decode reads every scan and
// holds every coefficient whatever the scale) JPEG whose smallest variant's
// decode is at most a quarter of the full one on each axis. Pure functions.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "image/header.h"
#include "image/pipeline.h"

namespace edgepix::image {

// The index in `specs` of the variant to make early, or nullopt. `swap` when
// EXIF orientation swaps the axes.
std::optional<size_t> EarlyVariantIndex(const HeaderInfo& h, bool swap,
                                        const std::vector<VariantSpec>& specs);

}  // namespace edgepix::image
