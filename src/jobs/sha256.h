// Sha256: incremental SHA-256 (OpenSSL EVP), lowercase hex digest.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace edgepix {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void Update(const char* data, size_t size);
  // Finishes and returns the hex digest; the object must not be updated afterwards.
  std::string HexDigest();

  static std::string Of(std::string_view data);

 private:
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
};

}  // namespace edgepix
