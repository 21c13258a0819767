// Default variant set, the "NAME:WxH:FIT[:QUALITY]" parser and the
// --parallel-variants spelling.

#include <charconv>
#include <optional>
#include <string>
#include <vector>

#include "common/name_rules.h"
#include "image/pipeline.h"

namespace edgepix::image {
namespace {

constexpr int kMaxVariantSide = 16384;

Status Bad(std::string_view text, const std::string& why) {
  return Status::Error(ErrorCode::kBadRequest,
                       "invalid variant \"" + std::string(text) + "\": " + why);
}

bool ParseInt(std::string_view s, int* out) {
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

}  // namespace

std::vector<VariantSpec> DefaultVariants() {
  return {{"thumb", 150, 150, Fit::kCover, 85},
          {"medium", 640, 640, Fit::kInside, 85},
          {"large", 1280, 1280, Fit::kInside, 85}};
}

const char* FitName(Fit fit) {
  switch (fit) {
    case Fit::kCover:
      return "cover";
    case Fit::kInside:
      return "inside";
    case Fit::kFill:
      return "fill";
  }
  return "?";
}

const char* ParallelVariantsName(ParallelVariants p) {
  switch (p) {
    case ParallelVariants::kWhenIdle:
      return "when-idle";
    case ParallelVariants::kNever:
      return "never";
    case ParallelVariants::kAlways:
      return "always";
  }
  return "?";
}

std::optional<ParallelVariants> ParseParallelVariants(std::string_view text) {
  for (auto p :
       {ParallelVariants::kWhenIdle, ParallelVariants::kNever, ParallelVariants::kAlways}) {
    if (text == ParallelVariantsName(p)) return p;
  }
  return std::nullopt;
}

Result<VariantSpec> ParseVariantSpec(std::string_view text) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (;;) {
    size_t colon = text.find(':', start);
    parts.push_back(text.substr(start, colon == std::string_view::npos ? colon : colon - start));
    if (colon == std::string_view::npos) break;
    start = colon + 1;
  }
  if (parts.size() < 3 || parts.size() > 4) return Bad(text, "expected NAME:WxH:FIT[:QUALITY]");
  VariantSpec v;
  if (!IsValidVariantName(parts[0])) return Bad(text, "name must match " + VariantNamePattern());
  v.name = std::string(parts[0]);
  size_t x = parts[1].find('x');
  if (x == std::string_view::npos || !ParseInt(parts[1].substr(0, x), &v.width) ||
      !ParseInt(parts[1].substr(x + 1), &v.height) || v.width < 1 || v.height < 1 ||
      v.width > kMaxVariantSide || v.height > kMaxVariantSide) {
    return Bad(text, "size must be WxH with sides 1.." + std::to_string(kMaxVariantSide));
  }
  bool known_fit = false;
  for (Fit fit : {Fit::kCover, Fit::kInside, Fit::kFill}) {
    if (parts[2] == FitName(fit)) {
      v.fit = fit;
      known_fit = true;
    }
  }
  if (!known_fit) return Bad(text, "fit must be cover, inside or fill");
  if (parts.size() == 4 && (!ParseInt(parts[3], &v.quality) || v.quality < 0 || v.quality > 100)) {
    return Bad(text, "quality must be 0..100");
  }
  return v;
}

}  // namespace edgepix::image
