// Helpers for the security tests: raw HTTP requests written byte for byte to a
// socket (so hostile paths reach the server exactly as an attacker sends them),
// HMAC-SHA256 / base64url / HS256 JWTs made with OpenSSL, and the JSON error check.
#pragma once

#include <httplib.h>

#include <nlohmann/json.hpp>
#include <string>

namespace edgepix::testing {

struct RawResponse {
  int status = 0;
  std::string headers;  // lowercase header block
  std::string body;
};

// Sends `request` (complete, with CRLFs) to 127.0.0.1:port and reads until the server closes.
RawResponse SendRaw(int port, const std::string& request);
// "GET <target> HTTP/1.1" with Host and Connection: close, plus `extra_headers` lines.
RawResponse RawGet(int port, const std::string& target, const std::string& extra_headers = "",
                   const std::string& method = "GET");
// The error code of a JSON error body, or "" (with a failed check) when it is not one.
std::string ErrorCodeOf(const std::string& body);

std::string TestHmacSha256(const std::string& key, const std::string& data);
std::string TestBase64Url(const std::string& bytes);
// A JWT with the given header and claims JSON, signed HS256 under `secret`.
std::string TestJwt(const std::string& header_json, const std::string& claims_json,
                    const std::string& secret);
int64_t TestUnixNow();

}  // namespace edgepix::testing
