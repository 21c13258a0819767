// The core of AWS Signature Version 4, shared by the S3 listener's verifier
// (s3/sigv4.h) and the S3 blob store's client signer (sigv4/signer.h): the
// canonical request, the string to sign, the signing key and the signature,
// built exactly as AWS documents them (checked against AWS's published test
// suite, tests/unit/s3/sigv4_suite_test.cpp, from both sides).
//
// It sits below storage/ and s3/ (it depends on common/ and OpenSSL only), so
// the client side needs nothing of the HTTP-level listener.
// Thread-safety: every function is pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace edgepix::sigv4 {

using NameValues = std::vector<std::pair<std::string, std::string>>;

inline constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
inline constexpr std::string_view kEmptySha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

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
// Raw 32-byte HMAC-SHA256 ("" if OpenSSL refuses).
std::string HmacSha256(std::string_view key, std::string_view data);
std::string ToHex(std::string_view bytes);
std::string Lower(std::string_view s);
// Seconds since the epoch of "YYYYMMDDTHHMMSSZ"; nullopt when malformed.
std::optional<int64_t> ParseAmzDate(std::string_view amz_date);
// "YYYYMMDDTHHMMSSZ" of a time in seconds since the epoch (UTC).
std::string FormatAmzDate(int64_t unix_seconds);
// The value of the first header named `name` (case-insensitive).
std::optional<std::string> FindHeader(const NameValues& headers, std::string_view name);

}  // namespace edgepix::sigv4
