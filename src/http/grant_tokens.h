// GrantTokens: the unforgeable form of an upload grant's id in its URL.
//
// A token is "<id>.<base64url HMAC-SHA256(key, "edgepix upload grant v1\n" id)>",
// so a client cannot make a token for an id it was not given, and changing any
// character makes the signature fail (checked in constant time) before the
// database is asked. The key is kept in the data directory (generated once),
// so grants stay valid across restarts. Immutable after construction:
// thread-safe.
#pragma once

#include <string>

#include "common/status.h"

namespace edgepix::http {

class GrantTokens {
 public:
  explicit GrantTokens(std::string key) : key_(std::move(key)) {}
  std::string Sign(const std::string& grant_id) const;
  // The grant id, or kGrantInvalid "tampered: ..." when the token is malformed
  // or its signature does not match.
  Result<std::string> Verify(const std::string& token) const;

 private:
  std::string key_;
};

}  // namespace edgepix::http
