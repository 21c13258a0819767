// Event roles against the real binary: the owner (bearer token) and guests
// (a guest link "/?g=CODE" that sets a session cookie). A guest uploads and
// reads its own jobs without GPS; listing and deletion answer it 403 JSON.
// A non-loopback --listen without a token generates both secrets.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "integration/security_support.h"
#include "integration/server_harness.h"

using namespace edgepix::testing;

namespace {

const std::string kToken = "owner-token-for-the-event-1234";
const std::string kGuestCode = "party-2026-guests";
const httplib::Headers kOwner = {{"Authorization", "Bearer " + kToken}};

// Follows a guest link; returns the "name=value" of its session cookie.
std::string JoinAsGuest(httplib::Client& c, const std::string& code) {
  auto r = c.Get("/?g=" + code);
  REQUIRE(r);
  INFO("body: " << r->body);
  REQUIRE(r->status == 303);
  CHECK(r->get_header_value("Location") == "/");
  const std::string set_cookie = r->get_header_value("Set-Cookie");
  CHECK(set_cookie.find("HttpOnly") != std::string::npos);
  CHECK(set_cookie.find("SameSite=Lax") != std::string::npos);
  CHECK(set_cookie.find("Path=/") != std::string::npos);
  REQUIRE(set_cookie.rfind("edgepix_guest=", 0) == 0);
  return set_cookie.substr(0, set_cookie.find(';'));
}

httplib::Result Upload(httplib::Client& c, const std::string& bytes, const httplib::Headers& h,
                       const std::string& query = "") {
  httplib::MultipartFormDataItems items = {{"file", bytes, "beach.jpg", "image/jpeg"}};
  return c.Post("/api/uploads" + query, h, items);
}

nlohmann::json WaitDone(httplib::Client& c, const std::string& id, const httplib::Headers& h) {
  for (int i = 0; i < 60; ++i) {
    auto job = JsonBody(c.Get("/api/jobs/" + id + "?wait=30", h));
    if (job["status"] == "COMPLETED" || job["status"] == "FAILED") return job;
  }
  FAIL("job did not finish");
  return {};
}

void CheckForbidden(const httplib::Result& r) {
  REQUIRE(r);
  INFO("body: " << r->body);
  CHECK(r->status == 403);
  CHECK(r->get_header_value("Content-Type") == "application/json");
  CHECK_FALSE(r->has_header("WWW-Authenticate"));
  CHECK(ErrorCodeOf(r->body) == "forbidden");
}

std::string GpsJpeg() {
  ExifFields exif;
  exif.make = "Canon";
  exif.model = "EOS";
  exif.with_gps = true;
  exif.lat = 48.8584;
  exif.lon = 2.2945;
  return MakeJpeg(64, 48, exif);
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST_CASE("a guest uploads and sees its own jobs, without GPS, and the owner sees everything") {
  ServerProcess server({"--token", kToken, "--guest-code", kGuestCode});
  auto c = server.Client();

  SECTION("a wrong guest code is refused with JSON and sets no cookie") {
    auto r = c.Get("/?g=not-the-code");
    REQUIRE(r);
    CHECK(r->status == 403);
    CHECK(ErrorCodeOf(r->body) == "forbidden");
    CHECK_FALSE(r->has_header("Set-Cookie"));
  }

  SECTION("guest upload, own job, events, refusals") {
    const std::string guest = JoinAsGuest(c, kGuestCode);
    const httplib::Headers as_guest = {{"Cookie", guest}};

    auto up = Upload(c, GpsJpeg(), as_guest);
    REQUIRE(up);
    INFO("upload: " << up->body);
    REQUIRE(up->status == 202);
    const std::string id = JsonBody(up)["jobs"][0]["id"];

    auto job = WaitDone(c, id, as_guest);
    CHECK(job["status"] == "COMPLETED");
    CHECK(job["metadata"]["gps"].is_null());
    CHECK(job["metadata"]["camera"]["make"] == "Canon");
    auto events = c.Get("/api/jobs/" + id + "/events", as_guest);
    REQUIRE(events);
    CHECK(events->status == 200);
    CHECK(events->body.find("COMPLETED") != std::string::npos);
    CHECK(events->body.find("\"lat\"") == std::string::npos);
    CHECK(c.Get("/v/" + id + "/thumb.webp", as_guest)->status == 200);

    // The owner sees the position.
    auto owned = JsonBody(c.Get("/api/jobs/" + id, kOwner));
    REQUIRE(owned["metadata"]["gps"].is_object());
    CHECK(owned["metadata"]["gps"]["lat"].get<double>() == Approx(48.8584).margin(1e-3));

    // Listing, deletion, batches and metrics are the owner's.
    CheckForbidden(c.Get("/api/jobs", as_guest));
    CheckForbidden(c.Delete("/api/images/" + id, as_guest));
    CheckForbidden(c.Get("/api/batches", as_guest));
    CheckForbidden(c.Get("/metrics", as_guest));
    CheckForbidden(Upload(c, GpsJpeg(), as_guest, "?batch=AAAAAAAAAAAAAAAAAAAAAA"));
    CHECK(c.Get("/api/jobs/" + id, kOwner)->status == 200);  // still there

    // Another guest, and the owner's own uploads, are not this guest's.
    const std::string other = JoinAsGuest(c, kGuestCode);
    CHECK(other != guest);
    CHECK(c.Get("/api/jobs/" + id, {{"Cookie", other}})->status == 404);
    CHECK(c.Get("/api/jobs/" + id + "/events", {{"Cookie", other}})->status == 404);
    auto by_owner = Upload(c, GpsJpeg(), kOwner);
    REQUIRE(by_owner->status == 202);
    const std::string owner_id = JsonBody(by_owner)["jobs"][0]["id"];
    CHECK(c.Get("/api/jobs/" + owner_id, as_guest)->status == 404);

    // The owner lists both and may delete the guest's photo.
    auto list = JsonBody(c.Get("/api/jobs", kOwner));
    CHECK(list["jobs"].size() == 2);
    CHECK(c.Delete("/api/images/" + id, kOwner)->status == 204);
  }

  SECTION("a forged or foreign session cookie is no guest") {
    const std::string guest = JoinAsGuest(c, kGuestCode);
    std::string forged = guest;
    const size_t at = forged.find('=') + 1;
    forged[at] = forged[at] == 'a' ? 'b' : 'a';  // another session, same signature
    auto r = Upload(c, GpsJpeg(), {{"Cookie", forged}});
    REQUIRE(r);
    CHECK(r->status == 401);
    CHECK(c.Get("/api/jobs", {{"Cookie", forged}})->status == 401);
    CHECK(c.Get("/api/jobs", {{"Cookie", "edgepix_guest=x"}})->status == 401);
  }
}

TEST_CASE("a non-loopback listen without a token makes an owner token and a guest code") {
  TempDir temp;
  const std::string data = temp.Join("data");
  const int port = FreeLoopbackPort();
  auto ready = [](int p) {
    httplib::Client c("127.0.0.1", p);
    c.set_connection_timeout(1);
    auto r = c.Get("/healthz");
    return r && r->status == 200;
  };
  auto start = [&](const std::vector<std::string>& extra, const std::string& log) {
    std::vector<std::string> args = {
        "--listen", "0.0.0.0:" + std::to_string(port), "--data", data, "--workers", "1"};
    args.insert(args.end(), extra.begin(), extra.end());
    return SpawnEdgepixServe(args, log, port, ready);
  };

  const std::string log1 = temp.Join("first.log");
  pid_t pid = start({}, log1);
  httplib::Client c("127.0.0.1", port);
  struct stat st {};
  REQUIRE(::stat((data + "/owner.token").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  REQUIRE(::stat((data + "/guest.code").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  std::string token = ReadAll(data + "/owner.token");
  std::string code = ReadAll(data + "/guest.code");
  while (!token.empty() && token.back() == '\n') token.pop_back();
  while (!code.empty() && code.back() == '\n') code.pop_back();
  REQUIRE(token.size() >= 16);
  REQUIRE(code.size() >= 8);

  CHECK(c.Get("/api/jobs")->status == 401);
  CHECK(c.Get("/api/jobs", {{"Authorization", "Bearer " + token}})->status == 200);
  const std::string guest = JoinAsGuest(c, code);
  CHECK(Upload(c, GpsJpeg(), {{"Cookie", guest}})->status == 202);
  REQUIRE(StopServer(pid, log1));

  // The banner named both links (and, for 0.0.0.0, the loopback address last).
  const std::string banner = ReadAll(log1);
  INFO("banner: " << banner);
  CHECK(banner.find("#token=" + token) != std::string::npos);
  CHECK(banner.find("guest link: http://127.0.0.1:" + std::to_string(port) + "/?g=" + code) !=
        std::string::npos);

  // The next start keeps both.
  const std::string log2 = temp.Join("second.log");
  pid = start({}, log2);
  CHECK(c.Get("/api/jobs", {{"Authorization", "Bearer " + token}})->status == 200);
  CHECK(c.Get("/api/jobs/AAAAAAAAAAAAAAAAAAAAAA", {{"Cookie", guest}})->status == 404);
  REQUIRE(StopServer(pid, log2));

  // --open: open to all, as before.
  const std::string log3 = temp.Join("open.log");
  pid = start({"--open"}, log3);
  CHECK(c.Get("/api/jobs")->status == 200);
  REQUIRE(StopServer(pid, log3));
  CHECK(ReadAll(log3).find("guest link") == std::string::npos);
}

TEST_CASE("the event's title and welcome line reach clients as plain text") {
  const std::string title = "Anna & Ben's <wedding>";
  const std::string welcome = "Add your photos of the day \xe2\x80\x94 thank you!";
  ServerProcess server({"--event-title", title, "--event-welcome", welcome});
  auto c = server.Client();
  auto branding = JsonBody(c.Get("/api/event"));
  CHECK(branding["title"] == title);
  CHECK(branding["welcome"] == welcome);

  ServerProcess plain;
  auto p = plain.Client();
  auto none = JsonBody(p.Get("/api/event"));
  CHECK(none["title"] == "");
  CHECK(none["welcome"] == "");
  // the page shows the limit before upload: --max-upload-mb's default, 50 MiB
  CHECK(none["max_upload_bytes"] == 50ull << 20);
}
