// Who may use a server, by its listen address: loopback stays open, any other
// address without credentials gets an owner token and a guest code kept in the
// data directory (the same on the next start), --open keeps it open.
#include "cli/event_access.h"

#include <catch2/catch.hpp>

#include "unit/support/fixtures.h"

using namespace edgepix::cli;
using edgepix::testing::TempDir;

TEST_CASE("loopback hosts are told apart from every other listen address") {
  CHECK(IsLoopbackHost("127.0.0.1"));
  CHECK(IsLoopbackHost("127.1.2.3"));
  CHECK(IsLoopbackHost("::1"));
  CHECK(IsLoopbackHost("localhost"));
  CHECK_FALSE(IsLoopbackHost("0.0.0.0"));
  CHECK_FALSE(IsLoopbackHost("::"));
  CHECK_FALSE(IsLoopbackHost("192.168.1.20"));
}

TEST_CASE("a non-loopback address without credentials gets generated, kept secrets") {
  TempDir dir;
  edgepix::http::AccessOptions loopback;
  REQUIRE(ApplyEventAccess(false, "127.0.0.1", dir.path(), &loopback).ok());
  CHECK(loopback.token.empty());
  CHECK(loopback.guest_code.empty());

  edgepix::http::AccessOptions open;
  REQUIRE(ApplyEventAccess(true, "0.0.0.0", dir.path(), &open).ok());
  CHECK(open.token.empty());

  edgepix::http::AccessOptions first;
  auto made = ApplyEventAccess(false, "0.0.0.0", dir.path(), &first);
  REQUIRE(made.ok());
  CHECK(made->generated_token);
  CHECK(first.token.size() >= 16);
  CHECK(first.guest_code.size() >= 8);
  CHECK(first.token != first.guest_code);
  CHECK(edgepix::http::Access::Validate(first).ok());

  edgepix::http::AccessOptions second;
  REQUIRE(ApplyEventAccess(false, "::", dir.path(), &second).ok());
  CHECK(second.token == first.token);
  CHECK(second.guest_code == first.guest_code);

  // A token given by the owner: nothing generated, no guests unless asked for.
  edgepix::http::AccessOptions given;
  given.token = "the-owners-own-token";
  auto kept = ApplyEventAccess(false, "0.0.0.0", dir.path(), &given);
  REQUIRE(kept.ok());
  CHECK_FALSE(kept->generated_token);
  CHECK(given.token == "the-owners-own-token");
  CHECK(given.guest_code.empty());

  // --guest-code wins over the generated one.
  edgepix::http::AccessOptions chosen;
  chosen.guest_code = "chosen-code";
  REQUIRE(ApplyEventAccess(false, "0.0.0.0", dir.path(), &chosen).ok());
  CHECK(chosen.guest_code == "chosen-code");
  CHECK(chosen.token == first.token);
}
