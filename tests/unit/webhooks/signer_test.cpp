// The Standard Webhooks signer against the specification's published test
// vector (the one the reference libraries test with), base64 both ways, and
// whsec_ secrets.
#include "webhooks/signer.h"

#include <catch2/catch.hpp>
#include <string>

using namespace edgepix::webhooks;

TEST_CASE("signer: the Standard Webhooks test vector signs exactly") {
  auto key = WebhookKeyFromSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  REQUIRE(key.ok());
  CHECK(SignWebhook(*key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, R"({"test": 2432232314})") ==
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  // Any change of id, timestamp or body changes the signature.
  CHECK(SignWebhook(*key, "msg_p5jXN8AQM9LWM0D4loKWxJeK", 1614265330, R"({"test": 2432232314})") !=
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  CHECK(SignWebhook(*key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265331, R"({"test": 2432232314})") !=
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST_CASE("signer: standard padded base64 round-trips and rejects what is not") {
  for (const std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
    INFO(s);
    const std::string enc = Base64Encode(s);
    if (s.empty()) {
      CHECK(enc.empty());
      continue;
    }
    auto dec = Base64Decode(enc);
    REQUIRE(dec);
    CHECK(*dec == s);
  }
  CHECK(Base64Encode("foobar") == "Zm9vYmFy");
  CHECK(Base64Encode("fo") == "Zm8=");
  CHECK(Base64Encode(std::string("\xfb\xff", 2)) == "+/8=");
  CHECK_FALSE(Base64Decode("Zm8"));    // no padding
  CHECK_FALSE(Base64Decode("Zm-_"));   // base64url
  CHECK_FALSE(Base64Decode("Z=8="));   // padding inside
  CHECK_FALSE(Base64Decode("Zm 8="));  // space
}

TEST_CASE("signer: secrets are whsec_ and at least 16 bytes, and new ones are fresh") {
  CHECK_FALSE(WebhookKeyFromSecret("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").ok());
  CHECK_FALSE(WebhookKeyFromSecret("whsec_Zm9vYmFy").ok());
  CHECK_FALSE(WebhookKeyFromSecret("whsec_not base64!").ok());
  const std::string a = NewWebhookSecret();
  const std::string b = NewWebhookSecret();
  CHECK(a != b);
  auto key = WebhookKeyFromSecret(a);
  REQUIRE(key.ok());
  CHECK(key->size() == 32);
}
