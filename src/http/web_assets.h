// The files of web/, compiled into the binary at build time.
#pragma once

#include <optional>
#include <string_view>

namespace edgepix::web {

struct Asset {
  std::string_view bytes;
};

// `path` as requested, e.g. "/index.html". nullopt when there is no such file.
std::optional<Asset> FindAsset(std::string_view path);

}  // namespace edgepix::web
