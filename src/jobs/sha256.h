// Sha256: incremental SHA-256 (OpenSSL EVP), lowercase hex digest.
//
// Never throws: OpenSSL can refuse SHA-256 (out of memory, a configuration
// without the default provider), and that arrives as a Status (kInternal) from
// Create() or Of(), so HTTP threads answer 500 instead of unwinding. One object
// is used by one thread at a time; Create() and Of() are thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace edgepix {

class Sha256 {
 public:
  static Result<std::unique_ptr<Sha256>> Create();
  // The hex digest of `data`.
  static Result<std::string> Of(std::string_view data);

  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void Update(const char* data, size_t size);
  // Finishes and returns the hex digest; the object must not be updated afterwards.
  std::string HexDigest();

 private:
  struct Ctx;
  explicit Sha256(std::unique_ptr<Ctx> ctx);
  std::unique_ptr<Ctx> ctx_;
};

}  // namespace edgepix
