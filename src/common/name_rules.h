// The shapes of the names clients see and send: image ids and variant names.
//
// One definition of each rule, used by the storage layer (which turns the names
// into paths), the routes, the --variant parser and the OpenAPI document:
//   image id      [A-Za-z0-9_-], 8..64 characters
//   variant name  [a-z0-9_-],    1..32 characters
// Neither can hold '.', '/', '%', NUL or anything outside ASCII, so a valid name
// is always a safe single path component. Pure functions: thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace edgepix {

inline constexpr size_t kImageIdMinLength = 8;
inline constexpr size_t kImageIdMaxLength = 64;
inline constexpr size_t kVariantNameMaxLength = 32;

bool IsValidImageId(std::string_view id);
bool IsValidVariantName(std::string_view name);

// The same rules as unanchored ECMAScript regular expressions (no capture group),
// e.g. "[A-Za-z0-9_-]{8,64}", for route patterns and the OpenAPI document.
const std::string& ImageIdPattern();
const std::string& VariantNamePattern();

}  // namespace edgepix
