// Roles from http/access.h: owner by bearer token, guest by a session cookie
// the guest link hands out, anonymous otherwise; and the guest code's rules.
#include <catch2/catch.hpp>

#include "http/access.h"

using namespace edgepix::http;

namespace {

AccessOptions EventOptions() {
  AccessOptions o;
  o.token = "owner-token-0123456789";
  o.guest_code = "party-guests";
  return o;
}

httplib::Request WithCookie(const std::string& cookie) {
  httplib::Request req;
  req.headers.emplace("Cookie", cookie);
  return req;
}

std::string CookiePair(const std::string& set_cookie) {
  return set_cookie.substr(0, set_cookie.find(';'));
}

}  // namespace

TEST_CASE("a guest link opens a guest session, anything else is anonymous or the owner") {
  Access access(EventOptions());
  REQUIRE(access.guests_enabled());
  CHECK_FALSE(access.GuestCookieFor("party-guest"));
  CHECK_FALSE(access.GuestCookieFor(""));
  auto set_cookie = access.GuestCookieFor("party-guests");
  REQUIRE(set_cookie);
  CHECK(set_cookie->find("HttpOnly") != std::string::npos);
  CHECK(set_cookie->find("SameSite=Lax") != std::string::npos);

  const std::string pair = CookiePair(*set_cookie);
  Viewer guest = access.Identify(WithCookie("theme=dark; " + pair + "; other=1"), 0);
  CHECK(guest.role == Role::kGuest);
  CHECK(!guest.guest_session.empty());
  // Each link visit is a new session.
  Viewer again = access.Identify(WithCookie(CookiePair(*access.GuestCookieFor("party-guests"))), 0);
  CHECK(again.role == Role::kGuest);
  CHECK(again.guest_session != guest.guest_session);

  CHECK(access.Identify(WithCookie(pair + "x"), 0).role == Role::kAnonymous);
  CHECK(access.Identify(WithCookie("edgepix_guest=abc"), 0).role == Role::kAnonymous);
  CHECK(access.Identify(httplib::Request{}, 0).role == Role::kAnonymous);

  // Another guest code (a restart with a new one) ends the old sessions.
  AccessOptions other = EventOptions();
  other.guest_code = "another-party";
  CHECK(Access(other).Identify(WithCookie(pair), 0).role == Role::kAnonymous);

  httplib::Request owner;
  owner.headers.emplace("Authorization", "Bearer owner-token-0123456789");
  CHECK(access.Identify(owner, 0).role == Role::kOwner);
  // Without credentials configured everyone is the owner (a laptop on its own).
  CHECK(Access(AccessOptions{}).Identify(httplib::Request{}, 0).role == Role::kOwner);
}

TEST_CASE("a guest passes upload and own-job routes, and is forbidden the owner's") {
  Access access(EventOptions());
  httplib::Request guest = WithCookie(CookiePair(*access.GuestCookieFor("party-guests")));
  CHECK(access.Authorize(RouteAccess::kUpload, guest, 0).ok());
  CHECK(access.Authorize(RouteAccess::kGuest, guest, 0).ok());
  CHECK(access.Authorize(RouteAccess::kProtected, guest, 0).code() ==
        edgepix::ErrorCode::kForbidden);
  httplib::Request nobody;
  CHECK(access.Authorize(RouteAccess::kGuest, nobody, 0).code() ==
        edgepix::ErrorCode::kUnauthorized);
  CHECK(access.Authorize(RouteAccess::kProtected, nobody, 0).code() ==
        edgepix::ErrorCode::kUnauthorized);
}

TEST_CASE("a link route takes a signed URL of its own path instead of the token") {
  Access access(EventOptions());
  const int64_t now = 1'800'000'000;
  const std::string signed_url = access.SignPath("/api/download.zip", now);
  auto request = [](const std::string& path, const std::string& query) {
    httplib::Request req;
    req.path = path;
    httplib::detail::parse_query_text(query, req.params);
    return req;
  };
  const std::string query = signed_url.substr(signed_url.find('?') + 1);
  CHECK(access.Authorize(RouteAccess::kLink, request("/api/download.zip", query), now).ok());
  // another path's signature (an original's link) does not open it, nor does a late one
  const std::string other = access.SignPath("/o/AAAAAAAAAAAAAAAAAAAAAA", now);
  CHECK(access
            .Authorize(RouteAccess::kLink,
                       request("/api/download.zip", other.substr(other.find('?') + 1)), now)
            .code() == edgepix::ErrorCode::kUnauthorized);
  CHECK(access.Authorize(RouteAccess::kLink, request("/api/download.zip", query), now + 86400)
            .code() == edgepix::ErrorCode::kUnauthorized);
  // without a signature it is a protected route: the token, and a guest is forbidden
  CHECK(access.Authorize(RouteAccess::kLink, httplib::Request{}, now).code() ==
        edgepix::ErrorCode::kUnauthorized);
  httplib::Request guest = WithCookie(CookiePair(*access.GuestCookieFor("party-guests")));
  CHECK(access.Authorize(RouteAccess::kLink, guest, now).code() == edgepix::ErrorCode::kForbidden);
  // the signature does not open the protected routes
  CHECK(
      access.Authorize(RouteAccess::kProtected, request("/api/download.zip", query), now).code() ==
      edgepix::ErrorCode::kUnauthorized);
}

TEST_CASE("guest codes are 8 to 128 URL-safe characters") {
  AccessOptions o = EventOptions();
  CHECK(Access::Validate(o).ok());
  o.guest_code = "short";
  CHECK_FALSE(Access::Validate(o).ok());
  o.guest_code = "has space in it";
  CHECK_FALSE(Access::Validate(o).ok());
  o.guest_code = "a&b=c-longer";
  CHECK_FALSE(Access::Validate(o).ok());
  o.guest_code = std::string(129, 'a');
  CHECK_FALSE(Access::Validate(o).ok());
}
