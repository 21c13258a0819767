// The image pipeline's command-line options, shared by `serve` and `process`:
// --variant NAME:WxH:FIT[:QUALITY] (repeatable, replaces the defaults),
// --webp-method, --max-megapixels, --memory-budget-mb (into Limits, which
// intake checks too, together with the variants the decode must serve),
// --max-frames and --animated-thumb (animated GIFs), --parallel-variants
// (whether one image may use a second thread).
#pragma once

#include <vector>

#include "cli/options.h"
#include "image/pipeline.h"

namespace edgepix::cli {

std::vector<OptionDef> ImageOptionDefs();

struct ImageSettings {
  std::vector<image::VariantSpec> variants;
  image::PipelineOptions pipeline;
};

Result<ImageSettings> ImageSettingsFrom(const ParsedOptions& options);

}  // namespace edgepix::cli
