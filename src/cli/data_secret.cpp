#include "cli/data_secret.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "http/crypto.h"

namespace edgepix::cli {
namespace {

Status IoError(const std::string& what, const std::string& path) {
  return Status::Error(ErrorCode::kIoError, what + " " + path + ": " + std::strerror(errno));
}

Result<std::string> ReadSecret(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return IoError("cannot read", path);
  std::ostringstream text;
  text << in.rdbuf();
  std::string secret = text.str();
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
  if (secret.empty()) return Status::Error(ErrorCode::kIoError, path + " is empty");
  return secret;
}

}  // namespace

Result<std::string> LoadOrCreateSecret(const std::string& path,
                                       const std::function<std::string()>& make) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return ReadSecret(path);
    return IoError("cannot create", path);
  }
  const std::string secret = make ? make() : http::RandomHex(32);
  const std::string line = secret + "\n";
  bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) {
    ::unlink(path.c_str());
    return IoError("cannot write", path);
  }
  return secret;
}

}  // namespace edgepix::cli
