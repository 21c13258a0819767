// HS256 JSON Web Token verification (RFC 7519), for deployments whose backend
// already issues JWTs to its users.
//
// Accepts exactly header.payload.signature where the header's "alg" is "HS256"
// (anything else, "none" included, is refused), the signature is the
// HMAC-SHA256 of "header.payload" under the shared secret (compared in constant
// time). "exp", "nbf" and "iat" must be integers (NumericDate: whole seconds,
// 0 .. 253402300799) where present; "exp" must be present unless
// `require_exp` is false (a token without one would never expire). "exp" must
// be in the future and "nbf" not, each with `leeway_seconds`. Returns the
// payload's claims, or kUnauthorized naming the first problem found.
// Thread-safe (pure function of its arguments).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/status.h"

namespace edgepix::http {

struct JwtOptions {
  std::string secret;
  int64_t leeway_seconds = 30;
  bool require_exp = true;  // false only with --jwt-allow-no-exp
};

Result<nlohmann::json> VerifyJwtHs256(std::string_view token, const JwtOptions& options,
                                      int64_t now_unix_seconds);

// Makes an HS256 token from `claims` (for tests and tooling).
std::string SignJwtHs256(const nlohmann::json& claims, const std::string& secret);

}  // namespace edgepix::http
