// HMAC, base64url, JWT verification and the path/request-id screens, on known vectors.
#include <catch2/catch.hpp>
#include <vector>

#include "http/crypto.h"
#include "http/jwt.h"
#include "http/middleware.h"

using namespace edgepix::http;

namespace {
std::string Hex(const std::string& bytes) {
  static const char k[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(k[c >> 4]);
    out.push_back(k[c & 15]);
  }
  return out;
}
}  // namespace

TEST_CASE("HMAC-SHA256 matches RFC 4231 test case 2") {
  CHECK(Hex(HmacSha256("Jefe", "what do ya want for nothing?")) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("base64url round-trips and rejects non-canonical input") {
  for (std::string s :
       std::vector<std::string>{"", "f", "fo", "foo", "foob", "fooba", "foobar", "\xff\xfe\x00"}) {
    CHECK(Base64UrlDecode(Base64UrlEncode(s)) == s);
  }
  CHECK(Base64UrlEncode("\xfb\xff") == "-_8");
  CHECK_FALSE(Base64UrlDecode("Zm9v=").has_value());  // padding
  CHECK_FALSE(Base64UrlDecode("Zm+v").has_value());   // standard alphabet
  CHECK(Base64UrlDecode("Zm8") == std::string("fo"));
  CHECK_FALSE(Base64UrlDecode("Zm9").has_value());  // non-zero unused bits
  CHECK_FALSE(Base64UrlDecode("Z").has_value());
  CHECK_FALSE(Base64UrlDecode("Zh").has_value());  // stray low bits
}

TEST_CASE("constant-time comparison") {
  CHECK(ConstantTimeEquals("abc", "abc"));
  CHECK_FALSE(ConstantTimeEquals("abc", "abd"));
  CHECK_FALSE(ConstantTimeEquals("abc", "abcd"));
  CHECK(ConstantTimeEquals("", ""));
}

TEST_CASE("HS256 JWT: the jwt.io example verifies, alg, signature, exp and nbf are enforced") {
  // The well-known example token from jwt.io (secret "your-256-bit-secret").
  const std::string example =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwi"
      "aWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
  auto ok = VerifyJwtHs256(example, {"your-256-bit-secret"}, 1700000000);
  REQUIRE(ok.ok());
  CHECK((*ok)["name"] == "John Doe");
  CHECK_FALSE(VerifyJwtHs256(example, {"other"}, 1700000000).ok());
  CHECK_FALSE(VerifyJwtHs256(example, {""}, 1700000000).ok());

  const JwtOptions opts{"s3cret", 30};
  CHECK(VerifyJwtHs256(SignJwtHs256({{"exp", 1000}}, "s3cret"), opts, 990).ok());
  CHECK(VerifyJwtHs256(SignJwtHs256({{"exp", 1000}}, "s3cret"), opts, 1029).ok());  // leeway
  auto expired = VerifyJwtHs256(SignJwtHs256({{"exp", 1000}}, "s3cret"), opts, 1030);
  CHECK(expired.status().code() == edgepix::ErrorCode::kUnauthorized);
  CHECK_FALSE(VerifyJwtHs256(SignJwtHs256({{"nbf", 2000}}, "s3cret"), opts, 1000).ok());
  CHECK_FALSE(VerifyJwtHs256(SignJwtHs256({{"exp", "soon"}}, "s3cret"), opts, 1000).ok());
  std::string none = Base64UrlEncode(R"({"alg":"none"})") + "." + Base64UrlEncode("{}") + ".";
  CHECK_FALSE(VerifyJwtHs256(none, opts, 1000).ok());
  CHECK_FALSE(VerifyJwtHs256("a.b.c.d", opts, 1000).ok());
  CHECK_FALSE(VerifyJwtHs256("", opts, 1000).ok());
}

TEST_CASE("path and request-id screens") {
  for (std::string p :
       std::vector<std::string>{"/", "/api/jobs/abc", "/v/id/thumb.webp", "/app.js", "/a..b"}) {
    CHECK(IsCleanPath(p));
  }
  for (std::string p :
       std::vector<std::string>{"", "x", "/..", "/a/../b", "/a/..", "/a\\b", "/a%2fb", "//x",
                                "/a//b", std::string("/a\0b", 4), "/\xc0\xae", "/a b", "/a\x7f"}) {
    INFO(p);
    CHECK_FALSE(IsCleanPath(p));
  }
  CHECK(IsValidRequestId("abc-123.DEF_4:5"));
  CHECK_FALSE(IsValidRequestId(""));
  CHECK_FALSE(IsValidRequestId(std::string(129, 'a')));
  CHECK_FALSE(IsValidRequestId("a b"));
}
