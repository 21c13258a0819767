// Crypto helpers for authentication (OpenSSL's libcrypto underneath):
// HMAC-SHA256, unpadded base64url, padded base64, constant-time comparison, random bytes.
// The one base64 of the program: webhooks/ and s3/ use these too.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace edgepix::http {

// Raw 32-byte HMAC-SHA256 of `data` under `key`.
std::string HmacSha256(std::string_view key, std::string_view data);
// RFC 4648 section 4 (standard alphabet), with padding (OpenSSL's EVP codec).
std::string Base64Encode(std::string_view bytes);
// Strict standard base64 with padding (no whitespace, no base64url, no padding
// inside); nullopt for anything else, the empty string included.
std::optional<std::string> Base64Decode(std::string_view text);
// RFC 4648 section 5, without padding.
std::string Base64UrlEncode(std::string_view bytes);
// Strict: only [A-Za-z0-9_-], no padding, no stray bits. nullopt otherwise.
std::optional<std::string> Base64UrlDecode(std::string_view text);
// Compares without an early exit (CRYPTO_memcmp); a length mismatch is false
// but still costs a full comparison.
bool ConstantTimeEquals(std::string_view a, std::string_view b);
// `n` random bytes from the OS CSPRNG, hex-encoded (2n characters).
std::string RandomHex(size_t n);

}  // namespace edgepix::http
