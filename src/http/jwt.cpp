#include "http/jwt.h"

#include "http/crypto.h"

namespace edgepix::http {
namespace {

// 9999-12-31T23:59:59Z: later NumericDates are refused as out of range.
constexpr int64_t kMaxNumericDate = 253402300799;

Status Refused(const std::string& why) {
  return Status::Error(ErrorCode::kUnauthorized, "invalid token: " + why);
}

}  // namespace

Result<nlohmann::json> VerifyJwtHs256(std::string_view token, const JwtOptions& options,
                                      int64_t now) {
  if (options.secret.empty()) return Refused("JWT verification is not configured");
  if (token.size() > 8192) return Refused("too long");
  size_t dot1 = token.find('.');
  size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return Refused("not three dot-separated parts");
  }
  auto header_raw = Base64UrlDecode(token.substr(0, dot1));
  auto payload_raw = Base64UrlDecode(token.substr(dot1 + 1, dot2 - dot1 - 1));
  auto signature = Base64UrlDecode(token.substr(dot2 + 1));
  if (!header_raw || !payload_raw || !signature) return Refused("not base64url");

  auto header = nlohmann::json::parse(*header_raw, nullptr, false);
  if (header.is_discarded() || !header.is_object()) return Refused("header is not JSON");
  // Only HS256: never "none", never an algorithm the token chooses for us.
  if (!header.contains("alg") || header["alg"] != "HS256") return Refused("alg must be HS256");

  const std::string expected = HmacSha256(options.secret, token.substr(0, dot2));
  if (!ConstantTimeEquals(expected, *signature)) return Refused("bad signature");

  auto claims = nlohmann::json::parse(*payload_raw, nullptr, false);
  if (claims.is_discarded() || !claims.is_object()) return Refused("payload is not JSON");
  // NumericDate claims (RFC 7519 section 2) must be whole seconds in a sane range:
  // 1e308 or 1.5 is refused, not compared as a double that never expires.
  for (const char* claim : {"exp", "nbf", "iat"}) {
    if (!claims.contains(claim)) continue;
    const auto& v = claims[claim];
    if (!v.is_number_integer()) return Refused(std::string(claim) + " must be an integer");
    if (v.is_number_unsigned() ? v.get<uint64_t>() > static_cast<uint64_t>(kMaxNumericDate)
                               : v.get<int64_t>() < 0 || v.get<int64_t>() > kMaxNumericDate) {
      return Refused(std::string(claim) + " is out of range");
    }
  }
  if (!claims.contains("exp") && options.require_exp) {
    return Refused("no exp claim (a token that never expires; see --jwt-allow-no-exp)");
  }
  if (claims.contains("exp") && claims["exp"].get<int64_t>() + options.leeway_seconds <= now) {
    return Refused("expired");
  }
  if (claims.contains("nbf") && claims["nbf"].get<int64_t>() - options.leeway_seconds > now) {
    return Refused("not valid yet");
  }
  return claims;
}

std::string SignJwtHs256(const nlohmann::json& claims, const std::string& secret) {
  std::string signing_input =
      Base64UrlEncode(R"({"alg":"HS256","typ":"JWT"})") + "." + Base64UrlEncode(claims.dump());
  return signing_input + "." + Base64UrlEncode(HmacSha256(secret, signing_input));
}

}  // namespace edgepix::http
