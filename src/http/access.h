// Access: who may call what, and signed URLs for private media.
//
// With neither a token nor a JWT secret configured, everything is open (the
// default for a laptop). With --token and/or --jwt-secret, kProtected routes
// (uploads, listing, job reads, deletion, /metrics) need
// "Authorization: Bearer <token or HS256 JWT>", compared in constant time.
// Media (variants, originals) stay public unless `private_media`; then they
// need the bearer credentials or a signed URL "?exp=<unix seconds>&sig=<b64url
// HMAC-SHA256(key, path "\n" exp)>" that has not expired. The signing key is
// --url-signing-key, else derived from the token (or the JWT secret). In
// private mode, job JSON carries signed URLs so browsers can show images.
//
// Roles: whoever holds the bearer credentials (or anyone, when none are
// configured) is the owner. With a guest code, "/?g=CODE" hands out a guest
// session: a cookie "edgepix_guest=<session>.<b64url HMAC(key, session)>"
// (HttpOnly, SameSite=Lax), the key derived from the guest code, so a new code
// ends every session. A guest may upload (kUpload) and reach kGuest routes,
// which then serve only the jobs that guest uploaded; any other kProtected
// route answers a guest 403 (kForbidden) rather than 401.
//
// The wall key: "/wall?k=KEY" lets a projector's browser (which holds no
// token, and whose EventSource cannot send one) stream /api/events and draw
// the join QR code (RouteAccess::kWall). KEY is b64url(HMAC(signing key,
// "edgepix wall key v1")): stable while the token (or --url-signing-key) is,
// changed with it. Empty when auth is off (then the wall is open anyway).
// Thread-safe: const after construction.
#pragma once

#include <httplib.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "common/status.h"
#include "http/jwt.h"
#include "http/route_table.h"

namespace edgepix::http {

struct AccessOptions {
  std::string token;              // static bearer token; empty = none
  std::string jwt_secret;         // HS256 secret; empty = JWTs not accepted
  bool jwt_allow_no_exp = false;  // accept JWTs without "exp" (they never expire)
  std::string url_signing_key;    // empty = derived from token / JWT secret
  bool private_media = false;
  int64_t signed_url_ttl_seconds = 3600;
  std::string guest_code;  // "/?g=CODE" makes a guest; empty = no guests
};

enum class Role { kAnonymous, kGuest, kOwner };

// Who sent a request. `guest_session` is set for kGuest only.
struct Viewer {
  Role role = Role::kAnonymous;
  std::string guest_session;
};

inline constexpr const char* kGuestCookie = "edgepix_guest";

class Access {
 public:
  explicit Access(AccessOptions options);

  // kBadRequest for unusable settings (e.g. --private with nothing to sign or check).
  static Status Validate(const AccessOptions& options);

  bool auth_enabled() const { return !options_.token.empty() || !options_.jwt_.secret.empty(); }
  bool private_media() const { return options_.private_media; }
  bool guests_enabled() const { return !guest_key_.empty(); }
  const std::string& guest_code() const { return guest_code_; }

  // The request's role: owner (valid bearer, or auth off), guest (a valid
  // guest cookie) or anonymous.
  Viewer Identify(const httplib::Request& req, int64_t now) const;
  // A "Set-Cookie" value opening a new guest session when `code` is the guest
  // code (constant-time compare); nullopt otherwise or without guests.
  std::optional<std::string> GuestCookieFor(const std::string& code) const;

  // The wall key ("" when auth is off), and whether `req` carries it as `k`.
  std::string WallKey() const;
  bool HasWallKey(const httplib::Request& req) const;

  // OK, or kUnauthorized with the reason (missing, malformed, wrong, expired).
  Status Authorize(RouteAccess access, const httplib::Request& req, int64_t now) const;
  // Whether the bearer credentials of `req` are valid (false when auth is off).
  Status CheckBearer(const httplib::Request& req, int64_t now) const;

  // "path?exp=E&sig=S". `exp` is rounded up to a 10-minute boundary past
  // now + ttl, so one object keeps the same URL for a while (browser caches).
  std::string SignPath(const std::string& path, int64_t now) const;
  Status CheckSignedUrl(const std::string& path, const httplib::Request& req, int64_t now) const;

  // The URL clients get for a media path: signed in private mode, else the path.
  std::string MediaUrl(const std::string& path, int64_t now) const;

 private:
  struct Options {
    std::string token;
    JwtOptions jwt_;
    bool private_media = false;
    int64_t ttl = 3600;
  } options_;
  std::string signing_key_;
  std::string compare_key_;
  std::string guest_code_;
  std::string guest_key_;  // HMAC key of guest sessions; empty = no guests  // random per process:
                           // tokens are compared as HMACs
};

int64_t UnixNow();

}  // namespace edgepix::http
