#include "common/name_rules.h"

namespace edgepix {
namespace {

// The character classes, as predicates and as regex text: the unit test checks
// that both agree for every byte.
constexpr const char* kVariantClass = "[a-z0-9_-]";
constexpr const char* kIdClass = "[A-Za-z0-9_-]";

bool IsVariantChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

bool IsIdChar(char c) { return IsVariantChar(c) || (c >= 'A' && c <= 'Z'); }

template <typename Pred>
bool AllOf(std::string_view s, Pred pred) {
  for (char c : s) {
    if (!pred(c)) return false;
  }
  return true;
}

std::string Repeat(const char* char_class, size_t min, size_t max) {
  return std::string(char_class) + "{" + std::to_string(min) + "," + std::to_string(max) + "}";
}

}  // namespace

bool IsValidImageId(std::string_view id) {
  return id.size() >= kImageIdMinLength && id.size() <= kImageIdMaxLength && AllOf(id, IsIdChar);
}

bool IsValidVariantName(std::string_view name) {
  return !name.empty() && name.size() <= kVariantNameMaxLength && AllOf(name, IsVariantChar);
}

const std::string& ImageIdPattern() {
  static const std::string pattern = Repeat(kIdClass, kImageIdMinLength, kImageIdMaxLength);
  return pattern;
}

const std::string& VariantNamePattern() {
  static const std::string pattern = Repeat(kVariantClass, 1, kVariantNameMaxLength);
  return pattern;
}

}  // namespace edgepix
