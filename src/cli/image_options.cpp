#include "cli/image_options.h"

#include <set>
#include <string>

namespace edgepix::cli {

std::vector<OptionDef> ImageOptionDefs() {
  // The defaults are the image library's own, written once there.
  const image::PipelineOptions defaults;
  return {
      {"variant", "thumb:150x150:cover, medium:640x640:inside, large:1280x1280:inside",
       "a variant NAME:WxH:FIT[:QUALITY], FIT one of cover|inside|fill; replaces the defaults",
       true},
      {"webp-method", std::to_string(defaults.webp_method), "WebP effort 0 (fast) .. 6 (smallest)"},
      {"max-megapixels", std::to_string(defaults.limits.max_pixels / 1000000),
       "refuse images whose header declares more pixels"},
      {"memory-budget-mb", std::to_string(defaults.limits.memory_budget_bytes / 1000000),
       "memory all decodes may hold at once (an image waits for room; one whose decode alone "
       "needs more is refused: 422 over_memory_budget); 0 = no limit"},
      {"max-frames", std::to_string(defaults.max_frames),
       "an animated GIF, WebP or PNG with more frames becomes stills of its first frame (the job "
       "says so)"},
      {"animated-thumb", defaults.animated_thumb ? "true" : "false",
       "true: the smallest variant of an animated GIF, WebP or PNG is animated too; false: a "
       "still"},
      {"parallel-variants", image::ParallelVariantsName(defaults.parallel),
       "when-idle: one image's largest variant is encoded on a second thread while a core is "
       "idle; never: one thread per image (a --workers 1 run then uses one core); always: even "
       "on a busy box"},
  };
}

Result<ImageSettings> ImageSettingsFrom(const ParsedOptions& options) {
  ImageSettings s;
  auto specs = options.GetAll("variant");
  if (specs.empty()) {
    s.variants = image::DefaultVariants();
  } else {
    std::set<std::string> names;
    for (const auto& text : specs) {
      EDGEPIX_ASSIGN_OR_RETURN(auto spec, image::ParseVariantSpec(text));
      if (!names.insert(spec.name).second) {
        return Status::Error(ErrorCode::kBadRequest, "variant '" + spec.name + "' given twice");
      }
      s.variants.push_back(spec);
    }
  }
  EDGEPIX_ASSIGN_OR_RETURN(auto method, options.GetInt("webp-method", 0, 6));
  s.pipeline.webp_method = static_cast<int>(method);
  EDGEPIX_ASSIGN_OR_RETURN(auto mp, options.GetInt("max-megapixels", 1, 10000));
  s.pipeline.limits.max_pixels = static_cast<uint64_t>(mp) * 1000 * 1000;
  EDGEPIX_ASSIGN_OR_RETURN(auto budget, options.GetInt("memory-budget-mb", 0, 1 << 20));
  s.pipeline.limits.memory_budget_bytes = static_cast<uint64_t>(budget) * 1000 * 1000;
  s.pipeline.limits.variants = s.variants;
  EDGEPIX_ASSIGN_OR_RETURN(auto frames, options.GetInt("max-frames", 1, 100000));
  s.pipeline.max_frames = static_cast<int>(frames);
  const std::string thumb = options.Get("animated-thumb");
  if (thumb != "true" && thumb != "false") {
    return Status::Error(ErrorCode::kBadRequest, "--animated-thumb must be true or false");
  }
  s.pipeline.animated_thumb = thumb == "true";
  auto parallel = image::ParseParallelVariants(options.Get("parallel-variants"));
  if (!parallel) {
    return Status::Error(ErrorCode::kBadRequest,
                         "--parallel-variants must be when-idle, never or always");
  }
  s.pipeline.parallel = *parallel;
  return s;
}

}  // namespace edgepix::cli
