// A secret kept in the data directory: read when the file exists, else made
// once from the OS CSPRNG (32 bytes, hex) and written with mode 0600
// (O_EXCL, fsync'd), so every later start uses the same one. Two processes
// starting at once agree: the one that loses the O_EXCL race reads the file.
#pragma once

#include <string>

#include "common/status.h"

namespace edgepix::cli {

// kIoError when the file cannot be read or written, or is empty.
Result<std::string> LoadOrCreateSecret(const std::string& path);

}  // namespace edgepix::cli
