// Sha256 never throws: when OpenSSL cannot provide SHA-256 the error is a Status.
#include "jobs/sha256.h"

#include <openssl/crypto.h>
#include <openssl/provider.h>

#include <catch2/catch.hpp>

using edgepix::ErrorCode;
using edgepix::Sha256;

namespace {

// Makes this thread's default OpenSSL library context one that holds only the
// "null" provider (no algorithms at all), as a broken or restricted OpenSSL
// configuration would; restores the previous one when destroyed.
class NoDigestsOnThisThread {
 public:
  NoDigestsOnThisThread() {
    ctx_ = OSSL_LIB_CTX_new();
    REQUIRE(ctx_ != nullptr);
    null_ = OSSL_PROVIDER_load(ctx_, "null");
    REQUIRE(null_ != nullptr);
    previous_ = OSSL_LIB_CTX_set0_default(ctx_);
    REQUIRE(previous_ != nullptr);
  }
  ~NoDigestsOnThisThread() {
    OSSL_LIB_CTX_set0_default(previous_);
    OSSL_PROVIDER_unload(null_);
    OSSL_LIB_CTX_free(ctx_);
  }

 private:
  OSSL_LIB_CTX* ctx_ = nullptr;
  OSSL_LIB_CTX* previous_ = nullptr;
  OSSL_PROVIDER* null_ = nullptr;
};

}  // namespace

TEST_CASE("Sha256: FIPS 180-2 test vectors, incremental and one-shot") {
  CHECK(Sha256::Of("abc").value() ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(Sha256::Of("").value() ==
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  auto h = Sha256::Create();
  REQUIRE(h.ok());
  (*h)->Update("a", 1);
  (*h)->Update("bc", 2);
  CHECK((*h)->HexDigest() == Sha256::Of("abc").value());
}

TEST_CASE("Sha256: without SHA-256 in OpenSSL, Create and Of return kInternal, never throw") {
  NoDigestsOnThisThread no_digests;
  CHECK_NOTHROW(Sha256::Create());
  auto h = Sha256::Create();
  CHECK_FALSE(h.ok());
  CHECK(h.status().code() == ErrorCode::kInternal);
  auto digest = Sha256::Of("abc");
  CHECK_FALSE(digest.ok());
  CHECK(digest.status().code() == ErrorCode::kInternal);
}
