// The paging rule of every job and batch listing, in every store: a page holds
// 1..kMaxListLimit rows, newest first, and its cursor is the seq of the last
// row of the previous page in base 10 (opaque to clients). Stateless.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace edgepix {

inline constexpr int kMaxListLimit = 200;

// The seq to list below: INT64_MAX for an empty cursor (the first page);
// kBadRequest "malformed cursor" for anything but a positive base-10 number.
Result<int64_t> ParseListCursor(const std::string& cursor);

}  // namespace edgepix
