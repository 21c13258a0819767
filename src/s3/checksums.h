// Payload digests S3 clients send or read: MD5 (ETag, Content-MD5), SHA-256
// (x-amz-content-sha256, x-amz-checksum-sha256), CRC32 and CRC32C
// (x-amz-checksum-crc32/-crc32c, base64 of the big-endian value).
//
// PayloadDigests computes all four in one pass over the bytes. One object is
// used by one thread; the free functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "http/crypto.h"

namespace edgepix::s3 {

// Standard base64 with padding: http/crypto.h's.
using http::Base64Decode;
using http::Base64Encode;
uint32_t Crc32Update(uint32_t crc, const char* data, size_t size);   // start at 0
uint32_t Crc32cUpdate(uint32_t crc, const char* data, size_t size);  // start at 0
// Base64 of the 4 big-endian bytes (the x-amz-checksum-crc32 form).
std::string Crc32Base64(uint32_t crc);

// Which digests to compute besides MD5 (always: the ETag).
struct DigestSet {
  bool sha256 = true;
  bool crc32 = true;
  bool crc32c = true;
};

class PayloadDigests {
 public:
  explicit PayloadDigests(DigestSet set = {});
  ~PayloadDigests();
  PayloadDigests(const PayloadDigests&) = delete;
  PayloadDigests& operator=(const PayloadDigests&) = delete;

  void Update(const char* data, size_t size);
  // Finishes (once); afterwards only the accessors below are valid.
  void Finish();
  bool ok() const;  // false when OpenSSL refused a digest
  const std::string& md5_hex() const { return md5_hex_; }
  const std::string& md5_base64() const { return md5_base64_; }
  const std::string& sha256_hex() const { return sha256_hex_; }
  const std::string& sha256_base64() const { return sha256_base64_; }
  std::string crc32_base64() const { return Crc32Base64(crc32_); }
  std::string crc32c_base64() const { return Crc32Base64(crc32c_); }
  uint64_t size() const { return size_; }

  // Checks an x-amz-checksum-<name> value ("crc32", "crc32c", "sha256");
  // nullopt for an algorithm not computed here (not in the DigestSet either).
  std::optional<bool> Matches(std::string_view algorithm, std::string_view base64_value) const;

 private:
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
  DigestSet set_;
  uint32_t crc32_ = 0;
  uint32_t crc32c_ = 0;
  uint64_t size_ = 0;
  std::string md5_hex_, md5_base64_, sha256_hex_, sha256_base64_;
};

}  // namespace edgepix::s3
