// A secret kept in the data directory: read when the file exists, else made
// once by `make` (by default 32 bytes from the OS CSPRNG, hex) and written with mode 0600
// (O_EXCL, fsync'd), so every later start uses the same one. Two processes
// starting at once agree: the one that loses the O_EXCL race reads the file.
#pragma once

#include <functional>
#include <string>

#include "common/status.h"

namespace edgepix::cli {

// kIoError when the file cannot be read or written, or is empty.
Result<std::string> LoadOrCreateSecret(const std::string& path,
                                       const std::function<std::string()>& make = {});

}  // namespace edgepix::cli
