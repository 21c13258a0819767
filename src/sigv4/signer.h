// SigV4 signing for a client (the S3 blob store's requests), built on the same
// core as the S3 listener's verifier (sigv4/canonical.h): one implementation,
// checked from both sides against AWS's published test suite.
//
// Promises: SignHeaders adds X-Amz-Date (and X-Amz-Security-Token with a
// session token, x-amz-content-sha256 when asked) and the Authorization header,
// signing every header the request carries; Presign adds the X-Amz-* query
// parameters; both sign every header the request carries (Host included). Neither reads a clock:
// the caller passes the time. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "sigv4/canonical.h"

namespace edgepix::sigv4 {

// A request as signed and as verified. Header names in any case; a name may repeat.
struct Request {
  std::string method;
  std::string raw_path;   // as on the wire, without the query
  std::string raw_query;  // as on the wire, without '?'
  NameValues headers;
};

struct Credentials {
  std::string access_key;
  std::string secret_key;
  std::string session_token;  // empty: none
};

struct SignOptions {
  std::string region;
  std::string service = "s3";
  int64_t now_unix = 0;
  bool normalize_path = false;  // S3: false
  // S3 requires x-amz-content-sha256 on header-signed requests.
  bool add_content_sha256_header = true;
};

// What was computed (the tests compare each step with AWS's).
struct Signature {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;      // lowercase hex
  std::string authorization;  // header signing only
};

Signature SignHeaders(Request* request, std::string_view payload_hash,
                      const Credentials& credentials, const SignOptions& options);
Signature Presign(Request* request, int64_t expires_seconds, std::string_view payload_hash,
                  const Credentials& credentials, const SignOptions& options);

}  // namespace edgepix::sigv4
