#include "http/jwt.h"

#include "http/crypto.h"

namespace edgepix::http {
namespace {

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
  for (const char* claim : {"exp", "nbf", "iat"}) {
    if (claims.contains(claim) && !claims[claim].is_number()) {
      return Refused(std::string(claim) + " must be a number");
    }
  }
  if (claims.contains("exp") && claims["exp"].get<double>() + options.leeway_seconds <= now) {
    return Refused("expired");
  }
  if (claims.contains("nbf") && claims["nbf"].get<double>() - options.leeway_seconds > now) {
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
