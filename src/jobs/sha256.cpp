#include "jobs/sha256.h"

#include <openssl/evp.h>

namespace edgepix {

struct Sha256::Ctx {
  EVP_MD_CTX* md = nullptr;
  ~Ctx() { EVP_MD_CTX_free(md); }
};

Result<std::unique_ptr<Sha256>> Sha256::Create() {
  auto ctx = std::make_unique<Ctx>();
  ctx->md = EVP_MD_CTX_new();
  if (!ctx->md || EVP_DigestInit_ex(ctx->md, EVP_sha256(), nullptr) != 1) {
    return Status::Error(ErrorCode::kInternal, "SHA-256 is unavailable in this OpenSSL");
  }
  return std::unique_ptr<Sha256>(new Sha256(std::move(ctx)));
}

Sha256::Sha256(std::unique_ptr<Ctx> ctx) : ctx_(std::move(ctx)) {}

Sha256::~Sha256() = default;

void Sha256::Update(const char* data, size_t size) { EVP_DigestUpdate(ctx_->md, data, size); }

std::string Sha256::HexDigest() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx_->md, digest, &len);
  static const char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 15]);
  }
  return hex;
}

Result<std::string> Sha256::Of(std::string_view data) {
  EDGEPIX_ASSIGN_OR_RETURN(auto h, Create());
  h->Update(data.data(), data.size());
  return h->HexDigest();
}

}  // namespace edgepix
