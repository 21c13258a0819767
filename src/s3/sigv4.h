// AWS Signature Version 4 verification, as S3 applies it (a pure library: no
// I/O, no clock; the caller passes "now" and a secret lookup). The canonical
// request, string to sign and key come from sigv4/canonical.h, the same code
// the S3 blob store signs its requests with (sigv4/signer.h).
//
// Promises:
// - The canonical request, string to sign and signing key are built exactly as
//   AWS documents them (checked against AWS's published test suite).
// - VerifySigV4 accepts a request only when its signature (Authorization
//   header or presigned X-Amz-* query) matches the one computed with the
//   secret, compared in constant time; every refusal names the S3 error it
//   maps to (AuthCode) and a message.
// - The payload is not read here: header auth reports the declared
//   x-amz-content-sha256 in AuthResult::payload_hash, and the caller verifies
//   the body against it (or the aws-chunked chain, see aws_chunked.h).
// Thread-safety: every function is pure; SecretLookup is called on the
// caller's thread.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sigv4/canonical.h"
#include "sigv4/signer.h"

namespace edgepix::s3 {

// The shared core (sigv4/canonical.h), named here for the listener's code.
using sigv4::CanonicalHeaders;
using sigv4::CanonicalHeaderValue;
using sigv4::CanonicalQuery;
using sigv4::CanonicalRequest;
using sigv4::FindHeader;
using sigv4::HexSha256;
using sigv4::HexSignature;
using sigv4::kEmptySha256;
using sigv4::kUnsignedPayload;
using sigv4::NameValues;
using sigv4::ParseAmzDate;
using sigv4::ParseQuery;
using sigv4::Scope;
using sigv4::SigningKey;
using sigv4::StringToSign;
// A request as the verifier sees it (the signer's type).
using SignedRequest = sigv4::Request;

inline constexpr std::string_view kStreamingSigned = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
inline constexpr std::string_view kStreamingUnsignedTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";

// Each refusal maps to one S3 error code (see s3/s3_errors.h for the status).
enum class AuthCode {
  kOk,
  kMissing,                // AccessDenied: no credentials at all
  kMalformed,              // AuthorizationHeaderMalformed / AuthorizationQueryParametersError
  kWrongRegion,            // AuthorizationHeaderMalformed (region named in the message)
  kInvalidAccessKeyId,     // InvalidAccessKeyId
  kSignatureDoesNotMatch,  // SignatureDoesNotMatch
  kRequestTimeTooSkewed,   // RequestTimeTooSkewed
  kExpired,                // AccessDenied: "Request has expired"
  kNotYetValid,            // AccessDenied: "Request is not valid yet"
};

struct AuthResult {
  AuthCode code = AuthCode::kMissing;
  std::string message;
  bool presigned = false;
  std::string access_key;
  // Header auth: x-amz-content-sha256 as declared; presigned: UNSIGNED-PAYLOAD.
  std::string payload_hash;
  // For the aws-chunked chain: key, date, scope and the seed signature.
  std::string signing_key;
  std::string amz_date;
  Scope scope;
  std::string signature;
  // What was computed (for diagnostics and tests; never sent to clients).
  std::string canonical_request;
  std::string string_to_sign;
};

struct VerifyOptions {
  std::string region;  // expected scope region; empty accepts any
  std::string service = "s3";
  bool normalize_path = false;  // S3: false
  int64_t now_unix = 0;
  int64_t max_skew_seconds = 15 * 60;
  // Header auth without x-amz-content-sha256 (S3 requires it: empty = refuse).
  std::string default_payload_hash;
  // The payload hash a presigned request signs (S3: UNSIGNED-PAYLOAD).
  std::string presigned_payload_hash = std::string(kUnsignedPayload);
  int64_t max_presigned_expires = 604800;
};

using SecretLookup = std::function<std::optional<std::string>(std::string_view access_key)>;

// True when the request carries SigV4 (header or query) credentials.
bool HasSigV4(const SignedRequest& request);
AuthResult VerifySigV4(const SignedRequest& request, const SecretLookup& secrets,
                       const VerifyOptions& options);

}  // namespace edgepix::s3
