#include "s3/object_index.h"

namespace edgepix::s3 {

Result<ListPage> WalkListing(
    const ListRequest& request, int batch,
    const std::function<Result<std::vector<ObjectRow>>(const std::string& cursor, bool inclusive)>&
        fetch) {
  ListPage page;
  std::string cursor = request.after < request.prefix ? request.prefix : request.after;
  bool inclusive = request.after < request.prefix;
  // A continuation point that is a common prefix skips every key under it.
  std::string skip_prefix;
  if (!request.delimiter.empty() && request.after.ends_with(request.delimiter) &&
      request.after.starts_with(request.prefix)) {
    skip_prefix = request.after;
  }
  int returned = 0;
  while (true) {
    auto rows = fetch(cursor, inclusive);
    if (!rows.ok()) return rows.status();
    for (ObjectRow& row : *rows) {
      cursor = row.key;
      inclusive = false;
      if (!row.key.starts_with(request.prefix)) return page;
      if (!skip_prefix.empty() && row.key.starts_with(skip_prefix)) continue;
      std::string common;
      if (!request.delimiter.empty()) {
        size_t at = row.key.find(request.delimiter, request.prefix.size());
        if (at != std::string::npos) common = row.key.substr(0, at + request.delimiter.size());
      }
      if (returned == request.max_keys) {
        page.truncated = true;
        return page;
      }
      if (!common.empty()) {
        page.common_prefixes.push_back(common);
        page.last = common;
        skip_prefix = common;
      } else {
        page.objects.push_back(std::move(row));
        page.last = cursor;
      }
      ++returned;
    }
    if (static_cast<int>(rows->size()) < batch) return page;
  }
}

}  // namespace edgepix::s3
