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
  CHECK(Base64Encode("\xfb\xff") == "+/8=");
  CHECK(Base64Encode("abc") == "YWJj");
  CHECK(Base64Encode("a") == "YQ==");
  CHECK(Base64Encode("") == "");
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
  // It has no exp, so it verifies only with require_exp off (--jwt-allow-no-exp).
  auto ok = VerifyJwtHs256(example, {"your-256-bit-secret", 30, false}, 1700000000);
  REQUIRE(ok.ok());
  CHECK((*ok)["name"] == "John Doe");
  CHECK_FALSE(VerifyJwtHs256(example, {"other", 30, false}, 1700000000).ok());
  CHECK_FALSE(VerifyJwtHs256(example, {"", 30, false}, 1700000000).ok());

  const JwtOptions opts{"s3cret", 30};
  CHECK(VerifyJwtHs256(SignJwtHs256({{"exp", 1000}}, "s3cret"), opts, 990).ok());
  CHECK(VerifyJwtHs256(SignJwtHs256({{"exp", 1000}}, "s3cret"), opts, 1029).ok());  // leeway
  auto expired = VerifyJwtHs256(SignJwtHs256({{"exp", 1000}}, "s3cret"), opts, 1030);
  CHECK(expired.status().code() == edgepix::ErrorCode::kUnauthorized);
  CHECK_FALSE(
      VerifyJwtHs256(SignJwtHs256({{"exp", 3000}, {"nbf", 2000}}, "s3cret"), opts, 1000).ok());
  CHECK(VerifyJwtHs256(SignJwtHs256({{"exp", 3000}, {"nbf", 1000}}, "s3cret"), opts, 1000).ok());
  CHECK_FALSE(VerifyJwtHs256(SignJwtHs256({{"exp", "soon"}}, "s3cret"), opts, 1000).ok());
  std::string none = Base64UrlEncode(R"({"alg":"none"})") + "." + Base64UrlEncode("{}") + ".";
  CHECK_FALSE(VerifyJwtHs256(none, opts, 1000).ok());
  CHECK_FALSE(VerifyJwtHs256("a.b.c.d", opts, 1000).ok());
  CHECK_FALSE(VerifyJwtHs256("", opts, 1000).ok());
}

TEST_CASE("HS256 JWT: exp is required, and NumericDates must be integers in range") {
  const JwtOptions opts{"s3cret", 30};
  auto check_refused = [&](const nlohmann::json& claims, const std::string& why) {
    INFO(claims.dump());
    auto r = VerifyJwtHs256(SignJwtHs256(claims, "s3cret"), opts, 1000);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == edgepix::ErrorCode::kUnauthorized);
    CHECK(r.status().message().find(why) != std::string::npos);
  };
  // A token without exp would never expire: refused unless the operator opts in.
  check_refused({{"sub", "alice"}}, "no exp");
  CHECK(
      VerifyJwtHs256(SignJwtHs256({{"sub", "alice"}}, "s3cret"), {"s3cret", 30, false}, 1000).ok());
  // 1e308 parsed as a double once compared as "far in the future": never valid.
  check_refused(nlohmann::json::parse(R"({"exp": 1e308})"), "exp must be an integer");
  check_refused(nlohmann::json::parse(R"({"exp": 2000.5})"), "exp must be an integer");
  check_refused(nlohmann::json::parse(R"({"exp": 2000, "nbf": 1e-300})"), "nbf must be an integer");
  check_refused(nlohmann::json::parse(R"({"exp": 18446744073709551615})"), "exp is out of range");
  check_refused(nlohmann::json::parse(R"({"exp": 253402300800})"), "exp is out of range");
  check_refused(nlohmann::json::parse(R"({"exp": 2000, "nbf": -1})"), "nbf is out of range");
  check_refused(nlohmann::json::parse(R"({"exp": 2000, "iat": true})"), "iat must be an integer");
  // The largest NumericDate accepted is the end of year 9999.
  CHECK(VerifyJwtHs256(SignJwtHs256({{"exp", 253402300799}}, "s3cret"), opts, 1000).ok());
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
