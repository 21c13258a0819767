#include "storage/posix_error.h"

#include <cerrno>
#include <cstring>
#include <random>

namespace edgepix {

Status PosixError(const std::string& what, const std::string& path, int err,
                  bool missing_is_not_found) {
  std::string message = what + " " + path + ": " + std::strerror(err);
  if (err == ENOSPC || err == EDQUOT) return Status::Error(ErrorCode::kDiskFull, message);
  if (missing_is_not_found && err == ENOENT) return Status::Error(ErrorCode::kNotFound, message);
  return Status::Error(ErrorCode::kIoError, message);
}

std::string RandomSuffix() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static const char kHex[] = "0123456789abcdef";
  uint64_t bits = rng();
  std::string out(12, '0');
  for (char& c : out) {
    c = kHex[bits & 0xf];
    bits >>= 4;
  }
  return out;
}

}  // namespace edgepix
