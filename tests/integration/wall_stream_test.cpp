// The wall's access against the real binary: GET /api/wall gives the owner the
// wall key; with it alone (no token) /api/events streams the jobs as a guest
// sees them (no GPS) and /api/join.svg draws the QR code; a wrong key is 401,
// a guest's cookie 403; the key survives a restart with the same token.
#include <catch2/catch.hpp>

#include "integration/security_support.h"
#include "integration/server_harness.h"

using namespace edgepix::testing;

namespace {

const std::string kToken = "owner-token-for-the-wall-0123";
const httplib::Headers kOwner = {{"Authorization", "Bearer " + kToken}};

// The data of the first event of `target`, read with `headers` only.
nlohmann::json FirstEvent(int port, const std::string& target, const httplib::Headers& headers) {
  httplib::Client c("127.0.0.1", port);
  c.set_read_timeout(60);
  std::string buffer;
  nlohmann::json data;
  auto r = c.Get(target, headers, [&](const char* bytes, size_t n) {
    buffer.append(bytes, n);
    const size_t at = buffer.find("\ndata: ");
    if (at == std::string::npos) return true;
    const size_t end = buffer.find('\n', at + 1);
    if (end == std::string::npos) return true;
    data = nlohmann::json::parse(buffer.substr(at + 7, end - at - 7));
    return false;
  });
  return data;
}

}  // namespace

TEST_CASE("the wall key streams events without GPS and opens nothing else") {
  ServerProcess server({"--token", kToken, "--guest-code", "wall-guests-2026"});
  auto c = server.Client();
  ExifFields exif;
  exif.with_gps = true;
  exif.lat = 48.8584;
  exif.lon = 2.2945;
  httplib::MultipartFormDataItems items = {
      {"file", MakeJpeg(64, 48, exif), "beach.jpg", "image/jpeg"}};
  auto up = c.Post("/api/uploads", kOwner, items);
  REQUIRE(up);
  REQUIRE(up->status == 202);
  const std::string id = JsonBody(up)["jobs"][0]["id"];
  std::string status;
  for (int i = 0; i < 60 && status != "COMPLETED"; ++i) {
    status = JsonBody(c.Get("/api/jobs/" + id + "?wait=30", kOwner))["status"];
    REQUIRE(status != "FAILED");
  }
  REQUIRE(status == "COMPLETED");

  auto wall = c.Get("/api/wall", kOwner);
  REQUIRE(wall);
  REQUIRE(wall->status == 200);
  const std::string key = JsonBody(wall)["key"];
  REQUIRE(!key.empty());
  CHECK(JsonBody(wall)["url"] == "/wall?k=" + key);
  CHECK(c.Get("/api/wall")->status == 401);

  auto owner_event = FirstEvent(server.port(), "/api/events?after=0", kOwner);
  REQUIRE(owner_event["id"] == id);
  CHECK(owner_event["job"]["metadata"]["gps"].is_object());
  auto wall_event = FirstEvent(server.port(), "/api/events?after=0&k=" + key, {});
  REQUIRE(wall_event["id"] == id);
  CHECK(wall_event["job"]["status"] == "COMPLETED");
  CHECK(wall_event["job"]["metadata"]["gps"].is_null());

  CHECK(c.Get("/api/join.svg?k=" + key)->status == 200);
  CHECK(c.Get("/api/events?k=" + key + "x")->status == 401);
  // The key opens the wall's routes only.
  CHECK(c.Get("/api/jobs?k=" + key)->status == 401);
  CHECK(c.Get("/api/jobs/" + id + "?k=" + key)->status == 401);
  CHECK(c.Delete("/api/images/" + id + "?k=" + key)->status == 401);

  auto joined = c.Get("/?g=wall-guests-2026");
  REQUIRE(joined);
  const std::string set_cookie = joined->get_header_value("Set-Cookie");
  const std::string cookie = set_cookie.substr(0, set_cookie.find(';'));
  auto guest = c.Get("/api/events", {{"Cookie", cookie}});
  REQUIRE(guest);
  CHECK(guest->status == 403);

  server.Restart();
  auto again = server.Client();
  CHECK(JsonBody(again.Get("/api/wall", kOwner))["key"] == key);
}
