// The wall key of http/access.h: derived from the token, stable across
// restarts with the same token, changed with it; it opens RouteAccess::kWall
// routes only, never kProtected ones; none when auth is off.
#include <catch2/catch.hpp>

#include "http/access.h"

using namespace edgepix::http;

namespace {

AccessOptions Owner(const std::string& token) {
  AccessOptions o;
  o.token = token;
  return o;
}

httplib::Request WithKey(const std::string& key) {
  httplib::Request req;
  req.params.emplace("k", key);
  return req;
}

}  // namespace

TEST_CASE("the wall key follows the token and opens only the wall's routes") {
  Access access(Owner("owner-token-0123456789"));
  const std::string key = access.WallKey();
  REQUIRE(key.size() >= 40);
  CHECK(Access(Owner("owner-token-0123456789")).WallKey() == key);  // a restart keeps it
  CHECK(Access(Owner("another-token-0123456789")).WallKey() != key);

  CHECK(access.HasWallKey(WithKey(key)));
  CHECK_FALSE(access.HasWallKey(WithKey(key + "x")));
  CHECK_FALSE(access.HasWallKey(WithKey("")));
  CHECK_FALSE(access.HasWallKey(httplib::Request{}));

  CHECK(access.Authorize(RouteAccess::kWall, WithKey(key), 0).ok());
  CHECK_FALSE(access.Authorize(RouteAccess::kWall, WithKey("wrong"), 0).ok());
  CHECK_FALSE(access.Authorize(RouteAccess::kProtected, WithKey(key), 0).ok());
  CHECK_FALSE(access.Authorize(RouteAccess::kGuest, WithKey(key), 0).ok());
}

TEST_CASE("an open server has no wall key and an open wall") {
  Access open{AccessOptions{}};
  CHECK(open.WallKey().empty());
  CHECK_FALSE(open.HasWallKey(WithKey("")));
  CHECK(open.Authorize(RouteAccess::kWall, httplib::Request{}, 0).ok());
}
