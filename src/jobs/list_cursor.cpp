#include "jobs/list_cursor.h"

#include <charconv>
#include <limits>

namespace edgepix {

Result<int64_t> ParseListCursor(const std::string& cursor) {
  if (cursor.empty()) return std::numeric_limits<int64_t>::max();
  int64_t seq = 0;
  auto [end, ec] = std::from_chars(cursor.data(), cursor.data() + cursor.size(), seq);
  if (ec != std::errc() || end != cursor.data() + cursor.size() || seq <= 0 || cursor[0] == '+') {
    return Status::Error(ErrorCode::kBadRequest, "malformed cursor");
  }
  return seq;
}

}  // namespace edgepix
