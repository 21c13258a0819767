#include "http/access.h"

#include <chrono>
#include <cstdlib>

#include "http/crypto.h"

namespace edgepix::http {
namespace {

Status Unauthorized(const std::string& message) {
  return Status::Error(ErrorCode::kUnauthorized, message);
}

// The credentials after "Bearer ", or empty if the header is absent or another scheme.
std::string BearerToken(const httplib::Request& req) {
  const std::string h = req.get_header_value("Authorization");
  if (h.size() < 7) return "";
  std::string scheme = h.substr(0, 7);
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (scheme != "bearer ") return "";
  size_t b = h.find_first_not_of(' ', 7);
  size_t e = h.find_last_not_of(" \t");
  return b == std::string::npos ? "" : h.substr(b, e - b + 1);
}

// The value of cookie `name` in the request's Cookie headers, or empty.
std::string CookieValue(const httplib::Request& req, const std::string& name) {
  const size_t count = req.get_header_value_count("Cookie");
  for (size_t i = 0; i < count; ++i) {
    const std::string header = req.get_header_value("Cookie", i);
    size_t pos = 0;
    while (pos < header.size()) {
      size_t end = header.find(';', pos);
      if (end == std::string::npos) end = header.size();
      std::string pair = header.substr(pos, end - pos);
      size_t b = pair.find_first_not_of(' ');
      if (b != std::string::npos) pair = pair.substr(b);
      if (pair.size() > name.size() && pair.compare(0, name.size(), name) == 0 &&
          pair[name.size()] == '=') {
        return pair.substr(name.size() + 1);
      }
      pos = end + 1;
    }
  }
  return "";
}

Status Forbidden(const std::string& message) {
  return Status::Error(ErrorCode::kForbidden, message);
}

}  // namespace

int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status Access::Validate(const AccessOptions& o) {
  if (o.private_media && o.token.empty() && o.jwt_secret.empty()) {
    return Status::Error(ErrorCode::kBadRequest,
                         "--private needs --token, --token-file or --jwt-secret: otherwise anyone "
                         "could list jobs and read their signed URLs");
  }
  if (o.signed_url_ttl_seconds < 60 || o.signed_url_ttl_seconds > 7 * 24 * 3600) {
    return Status::Error(ErrorCode::kBadRequest, "--signed-url-ttl must be in [60, 604800]");
  }
  if (!o.token.empty() && o.token.size() < 16) {
    return Status::Error(ErrorCode::kBadRequest, "the token must have at least 16 characters");
  }
  for (char c : o.token) {
    if (c <= 0x20 || c == 0x7f) {
      return Status::Error(ErrorCode::kBadRequest, "the token must not contain spaces or controls");
    }
  }
  if (!o.guest_code.empty()) {
    bool url_safe = o.guest_code.find_first_not_of(
                        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                        "0123456789-_") == std::string::npos;
    if (o.guest_code.size() < 8 || o.guest_code.size() > 128 || !url_safe) {
      return Status::Error(ErrorCode::kBadRequest,
                           "the guest code must be 8 to 128 characters of A-Z a-z 0-9 - _");
    }
  }
  return Status::Ok();
}

Access::Access(AccessOptions o) {
  options_.token = o.token;
  options_.jwt_.secret = o.jwt_secret;
  options_.jwt_.require_exp = !o.jwt_allow_no_exp;
  options_.private_media = o.private_media;
  options_.ttl = o.signed_url_ttl_seconds;
  if (!o.url_signing_key.empty()) {
    signing_key_ = o.url_signing_key;
  } else if (!o.token.empty()) {
    signing_key_ = HmacSha256(o.token, "edgepix signed urls v1");
  } else if (!o.jwt_secret.empty()) {
    signing_key_ = HmacSha256(o.jwt_secret, "edgepix signed urls v1");
  } else {
    signing_key_ = RandomHex(32);
  }
  compare_key_ = RandomHex(32);
  guest_code_ = o.guest_code;
  if (!o.guest_code.empty()) guest_key_ = HmacSha256(o.guest_code, "edgepix guest sessions v1");
}

Viewer Access::Identify(const httplib::Request& req, int64_t now) const {
  if (!auth_enabled() || CheckBearer(req, now).ok()) return Viewer{Role::kOwner, ""};
  if (!guests_enabled()) return Viewer{};
  const std::string cookie = CookieValue(req, kGuestCookie);
  const size_t dot = cookie.find('.');
  if (dot == std::string::npos || dot == 0) return Viewer{};
  const std::string session = cookie.substr(0, dot);
  auto sig = Base64UrlDecode(cookie.substr(dot + 1));
  if (!sig || !ConstantTimeEquals(HmacSha256(guest_key_, session), *sig)) return Viewer{};
  return Viewer{Role::kGuest, session};
}

std::optional<std::string> Access::GuestCookieFor(const std::string& code) const {
  if (!guests_enabled() ||
      !ConstantTimeEquals(HmacSha256(compare_key_, code), HmacSha256(compare_key_, guest_code_))) {
    return std::nullopt;
  }
  const std::string session = RandomHex(16);
  return std::string(kGuestCookie) + "=" + session + "." +
         Base64UrlEncode(HmacSha256(guest_key_, session)) +
         "; Path=/; HttpOnly; SameSite=Lax; Max-Age=2592000";
}

std::string Access::WallKey() const {
  if (!auth_enabled()) return "";
  return Base64UrlEncode(HmacSha256(signing_key_, "edgepix wall key v1"));
}

bool Access::HasWallKey(const httplib::Request& req) const {
  if (!auth_enabled() || !req.has_param("k")) return false;
  return ConstantTimeEquals(HmacSha256(compare_key_, req.get_param_value("k")),
                            HmacSha256(compare_key_, WallKey()));
}

Status Access::CheckBearer(const httplib::Request& req, int64_t now) const {
  if (!auth_enabled()) return Unauthorized("authentication is not configured");
  const std::string presented = BearerToken(req);
  if (presented.empty()) {
    return Unauthorized(req.has_header("Authorization")
                            ? "the Authorization header must be 'Bearer <token>'"
                            : "this server needs 'Authorization: Bearer <token>'");
  }
  if (!options_.token.empty() && ConstantTimeEquals(HmacSha256(compare_key_, presented),
                                                    HmacSha256(compare_key_, options_.token))) {
    return Status::Ok();
  }
  if (!options_.jwt_.secret.empty() && presented.find('.') != std::string::npos) {
    auto claims = VerifyJwtHs256(presented, options_.jwt_, now);
    return claims.ok() ? Status::Ok() : claims.status();
  }
  return Unauthorized("the access token is not valid");
}

Status Access::Authorize(RouteAccess access, const httplib::Request& req, int64_t now) const {
  switch (access) {
    case RouteAccess::kPublic:
      return Status::Ok();
    case RouteAccess::kUpload:
    case RouteAccess::kGuest: {
      // The upload route checks the grant itself (http/grant_tokens.h).
      if (access == RouteAccess::kUpload && req.has_param("grant")) return Status::Ok();
      if (!auth_enabled()) return Status::Ok();
      Status bearer = CheckBearer(req, now);
      if (bearer.ok() || Identify(req, now).role == Role::kGuest) return Status::Ok();
      return bearer;
    }
    case RouteAccess::kWall: {
      if (!auth_enabled() || HasWallKey(req)) return Status::Ok();
      Status bearer = CheckBearer(req, now);
      if (bearer.ok() || Identify(req, now).role == Role::kGuest) return Status::Ok();
      return bearer;
    }
    case RouteAccess::kLink:
      if (auth_enabled() && (req.has_param("sig") || req.has_param("exp"))) {
        return CheckSignedUrl(req.path, req, now);
      }
      [[fallthrough]];
    case RouteAccess::kProtected: {
      if (!auth_enabled()) return Status::Ok();
      Status bearer = CheckBearer(req, now);
      if (!bearer.ok() && !req.has_header("Authorization") &&
          Identify(req, now).role == Role::kGuest) {
        return Forbidden("a guest may upload and see its own photos, not this");
      }
      return bearer;
    }
    case RouteAccess::kMedia:
      if (!options_.private_media) return Status::Ok();
      if (req.has_param("sig") || req.has_param("exp")) return CheckSignedUrl(req.path, req, now);
      return CheckBearer(req, now);
  }
  return Unauthorized("refused");
}

std::string Access::SignPath(const std::string& path, int64_t now) const {
  constexpr int64_t kStep = 600;
  int64_t exp = ((now + options_.ttl + kStep - 1) / kStep) * kStep;
  std::string e = std::to_string(exp);
  return path + "?exp=" + e + "&sig=" + Base64UrlEncode(HmacSha256(signing_key_, path + "\n" + e));
}

Status Access::CheckSignedUrl(const std::string& path, const httplib::Request& req,
                              int64_t now) const {
  const std::string exp_text = req.get_param_value("exp");
  const std::string sig_text = req.get_param_value("sig");
  if (exp_text.empty() || sig_text.empty() || exp_text.size() > 12 ||
      exp_text.find_first_not_of("0123456789") != std::string::npos) {
    return Unauthorized("a signed URL needs numeric 'exp' and a 'sig'");
  }
  auto sig = Base64UrlDecode(sig_text);
  const std::string expected = HmacSha256(signing_key_, path + "\n" + exp_text);
  if (!sig || !ConstantTimeEquals(expected, *sig)) {
    return Unauthorized("the URL signature is not valid");
  }
  if (std::strtoll(exp_text.c_str(), nullptr, 10) <= now) {
    return Unauthorized("the signed URL has expired");
  }
  return Status::Ok();
}

std::string Access::MediaUrl(const std::string& path, int64_t now) const {
  return options_.private_media ? SignPath(path, now) : path;
}

}  // namespace edgepix::http
