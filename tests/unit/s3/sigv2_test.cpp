// SigV2 query authentication with the example of AWS's "Query string request
// authentication" example in the S3 developer guide (GET /johnsmith/photos/puppy.jpg,
// Expires=1175139620), plus expiry and tampering.
#include "s3/sigv2.h"

#include <catch2/catch.hpp>

using namespace edgepix::s3;

namespace {

SignedRequest DocumentedGet() {
  SignedRequest r;
  r.method = "GET";
  r.raw_path = "/johnsmith/photos/puppy.jpg";
  r.raw_query =
      "AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D&Expires="
      "1175139620";
  r.headers = {{"Host", "johnsmith.s3.amazonaws.com"}};
  return r;
}

const SecretLookup kSecrets = [](std::string_view key) -> std::optional<std::string> {
  if (key == "AKIAIOSFODNN7EXAMPLE") return std::string("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
  return std::nullopt;
};

}  // namespace

TEST_CASE("SigV2 query: AWS's documented presigned GET verifies until it expires") {
  SignedRequest r = DocumentedGet();
  CHECK(HasSigV2Query(r));
  CHECK(SigV2StringToSign(r, "1175139620") == "GET\n\n\n1175139620\n/johnsmith/photos/puppy.jpg");
  AuthResult ok = VerifySigV2Query(r, kSecrets, 1175139620 - 60);
  CHECK(ok.code == AuthCode::kOk);
  CHECK(ok.access_key == "AKIAIOSFODNN7EXAMPLE");
  CHECK(VerifySigV2Query(r, kSecrets, 1175139621).code == AuthCode::kExpired);
}

TEST_CASE("SigV2 query: tampering and unknown keys are refused") {
  SignedRequest r = DocumentedGet();
  SECTION("another method") {
    r.method = "PUT";
    CHECK(VerifySigV2Query(r, kSecrets, 0).code == AuthCode::kSignatureDoesNotMatch);
  }
  SECTION("another key in the path") {
    r.raw_path = "/johnsmith/photos/kitten.jpg";
    CHECK(VerifySigV2Query(r, kSecrets, 0).code == AuthCode::kSignatureDoesNotMatch);
  }
  SECTION("a later Expires") {
    r.raw_query =
        "AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D&Expires="
        "1175139621";
    CHECK(VerifySigV2Query(r, kSecrets, 0).code == AuthCode::kSignatureDoesNotMatch);
  }
  SECTION("an unknown key") {
    r.raw_query =
        "AWSAccessKeyId=AKIDOTHER&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D&Expires=1175139620";
    CHECK(VerifySigV2Query(r, kSecrets, 0).code == AuthCode::kInvalidAccessKeyId);
  }
  SECTION("no Expires") {
    r.raw_query = "AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D";
    CHECK(VerifySigV2Query(r, kSecrets, 0).code == AuthCode::kMalformed);
  }
}
