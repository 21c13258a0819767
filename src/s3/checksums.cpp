#include "s3/checksums.h"

#include <openssl/evp.h>

#include <array>

#include "common/crc32.h"
#include "http/crypto.h"

namespace edgepix::s3 {
namespace {

std::array<uint32_t, 256> Table(uint32_t poly) {
  std::array<uint32_t, 256> t{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (poly ^ (c >> 1)) : (c >> 1);
    t[i] = c;
  }
  return t;
}

uint32_t CrcUpdate(const std::array<uint32_t, 256>& t, uint32_t crc, const char* data,
                   size_t size) {
  crc = ~crc;
  for (size_t i = 0; i < size; ++i)
    crc = t[(crc ^ static_cast<uint8_t>(data[i])) & 0xff] ^ (crc >> 8);
  return ~crc;
}

std::string Hex(const unsigned char* p, size_t n) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out.push_back(kHex[p[i] >> 4]);
    out.push_back(kHex[p[i] & 15]);
  }
  return out;
}

}  // namespace

uint32_t Crc32Update(uint32_t crc, const char* data, size_t size) {
  return edgepix::Crc32(crc, std::string_view(data, size));
}

uint32_t Crc32cUpdate(uint32_t crc, const char* data, size_t size) {
  static const auto table = Table(0x82F63B78u);
  return CrcUpdate(table, crc, data, size);
}

std::string Crc32Base64(uint32_t crc) {
  char b[4] = {static_cast<char>(crc >> 24), static_cast<char>(crc >> 16),
               static_cast<char>(crc >> 8), static_cast<char>(crc)};
  return Base64Encode(std::string_view(b, 4));
}

struct PayloadDigests::Ctx {
  EVP_MD_CTX* md5 = EVP_MD_CTX_new();
  EVP_MD_CTX* sha256 = EVP_MD_CTX_new();
  bool ok = false;
  ~Ctx() {
    EVP_MD_CTX_free(md5);
    EVP_MD_CTX_free(sha256);
  }
};

PayloadDigests::PayloadDigests(DigestSet set) : ctx_(std::make_unique<Ctx>()), set_(set) {
  ctx_->ok = ctx_->md5 && ctx_->sha256 && EVP_DigestInit_ex(ctx_->md5, EVP_md5(), nullptr) == 1 &&
             (!set_.sha256 || EVP_DigestInit_ex(ctx_->sha256, EVP_sha256(), nullptr) == 1);
}

PayloadDigests::~PayloadDigests() = default;

void PayloadDigests::Update(const char* data, size_t size) {
  if (ctx_->ok) {
    ctx_->ok = EVP_DigestUpdate(ctx_->md5, data, size) == 1 &&
               (!set_.sha256 || EVP_DigestUpdate(ctx_->sha256, data, size) == 1);
  }
  if (set_.crc32) crc32_ = Crc32Update(crc32_, data, size);
  if (set_.crc32c) crc32c_ = Crc32cUpdate(crc32c_, data, size);
  size_ += size;
}

void PayloadDigests::Finish() {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (ctx_->ok && EVP_DigestFinal_ex(ctx_->md5, md, &n) == 1) {
    md5_hex_ = Hex(md, n);
    md5_base64_ = Base64Encode(std::string_view(reinterpret_cast<char*>(md), n));
  } else {
    ctx_->ok = false;
  }
  if (!set_.sha256) return;
  if (ctx_->ok && EVP_DigestFinal_ex(ctx_->sha256, md, &n) == 1) {
    sha256_hex_ = Hex(md, n);
    sha256_base64_ = Base64Encode(std::string_view(reinterpret_cast<char*>(md), n));
  } else {
    ctx_->ok = false;
  }
}

bool PayloadDigests::ok() const { return ctx_->ok; }

std::optional<bool> PayloadDigests::Matches(std::string_view algorithm,
                                            std::string_view base64_value) const {
  std::string expected;
  if (algorithm == "crc32" && set_.crc32) {
    expected = crc32_base64();
  } else if (algorithm == "crc32c" && set_.crc32c) {
    expected = crc32c_base64();
  } else if (algorithm == "sha256" && set_.sha256) {
    expected = sha256_base64_;
  } else {
    return std::nullopt;
  }
  return http::ConstantTimeEquals(expected, base64_value);
}

}  // namespace edgepix::s3
