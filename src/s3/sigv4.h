// AWS Signature Version 4 verification, as S3 applies it (a pure library: no
// I/O, no clock; the caller passes "now" and a secret lookup).
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

namespace edgepix::s3 {

using NameValues = std::vector<std::pair<std::string, std::string>>;

inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
inline constexpr std::string_view kStreamingSigned = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
inline constexpr std::string_view kStreamingUnsignedTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
inline constexpr std::string_view kEmptySha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// A request as the verifier sees it. Header names in any case; a name may repeat.
struct SignedRequest {
  std::string method;
  std::string raw_path;   // as on the wire, without the query
  std::string raw_query;  // as on the wire, without '?'
  NameValues headers;
};

// The credential scope: "date/region/service/aws4_request".
struct Scope {
  std::string date;  // YYYYMMDD
  std::string region;
  std::string service;
  std::string Text() const;
};

// Decoded name/value pairs of a query string ('+' is a space, a name without
// '=' has an empty value), in wire order.
NameValues ParseQuery(std::string_view raw_query);
// Sorted, each name and value encoded once; `skip` (e.g. X-Amz-Signature) left out.
std::string CanonicalQuery(const NameValues& query, std::string_view skip = {});
// Trimmed, inner runs of spaces/tabs/newlines collapsed to one space.
std::string CanonicalHeaderValue(std::string_view value);
// "name:value\n" for each of `signed_names` (lower-case, sorted), repeated
// headers joined with ','. nullopt when a signed header is absent.
std::optional<std::string> CanonicalHeaders(const NameValues& headers,
                                            const std::vector<std::string>& signed_names);
std::string CanonicalRequest(std::string_view method, std::string_view canonical_uri,
                             std::string_view canonical_query, std::string_view canonical_headers,
                             std::string_view signed_headers, std::string_view payload_hash);
std::string StringToSign(std::string_view amz_date, const Scope& scope,
                         std::string_view canonical_request);
// Raw 32 bytes.
std::string SigningKey(std::string_view secret, const Scope& scope);
// Lowercase hex HMAC-SHA256 of `string_to_sign` under `signing_key`.
std::string HexSignature(std::string_view signing_key, std::string_view string_to_sign);
// Lowercase hex SHA-256 ("" if OpenSSL refuses).
std::string HexSha256(std::string_view data);
// Seconds since the epoch of "YYYYMMDDTHHMMSSZ"; nullopt when malformed.
std::optional<int64_t> ParseAmzDate(std::string_view amz_date);
// The value of the first header named `name` (case-insensitive).
std::optional<std::string> FindHeader(const NameValues& headers, std::string_view name);

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
