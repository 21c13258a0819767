// --moderate and the originals' privacy in event mode, against the real binary.
// A guest's photo is processed but stays off the wall's event stream and the
// download of everything until the owner approves it; hiding takes it off
// again (live: a `hidden` event); the state survives a restart; a guest
// cannot decide. In event mode /o/{id} (the uploader's EXIF, GPS included)
// goes only to the owner and to the guest who uploaded it.
#include <catch2/catch.hpp>

#include "integration/security_support.h"
#include "integration/server_harness.h"

using namespace edgepix::testing;

namespace {

const std::string kToken = "owner-token-for-moderation-42";
const std::string kGuestCode = "moderated-party-2026";
const httplib::Headers kOwner = {{"Authorization", "Bearer " + kToken}};

std::string JoinAsGuest(httplib::Client& c) {
  auto r = c.Get("/?g=" + kGuestCode);
  REQUIRE(r);
  REQUIRE(r->status == 303);
  const std::string set_cookie = r->get_header_value("Set-Cookie");
  return set_cookie.substr(0, set_cookie.find(';'));
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

// Uploads one photo as `who`, waits until it is processed; returns the job.
nlohmann::json UploadDone(httplib::Client& c, const httplib::Headers& who,
                          const std::string& filename) {
  httplib::MultipartFormDataItems items = {{"file", GpsJpeg(), filename, "image/jpeg"}};
  auto up = c.Post("/api/uploads", who, items);
  REQUIRE(up);
  INFO("upload: " << up->body);
  REQUIRE(up->status == 202);
  const std::string id = JsonBody(up)["jobs"][0]["id"];
  for (int i = 0; i < 60; ++i) {
    auto job = JsonBody(c.Get("/api/jobs/" + id + "?wait=30", who));
    if (job["status"] == "COMPLETED") return job;
    REQUIRE(job["status"] != "FAILED");
  }
  FAIL("job did not finish");
  return {};
}

// The first `n` events of an event stream (their data), read with `headers` only.
std::vector<nlohmann::json> Events(int port, const std::string& target,
                                   const httplib::Headers& headers, size_t n) {
  httplib::Client c("127.0.0.1", port);
  c.set_read_timeout(60);
  std::string buffer;
  std::vector<nlohmann::json> out;
  auto r = c.Get(target, headers, [&](const char* bytes, size_t size) {
    buffer.append(bytes, size);
    for (size_t at; (at = buffer.find("\ndata: ")) != std::string::npos;) {
      const size_t end = buffer.find('\n', at + 1);
      if (end == std::string::npos) return true;
      out.push_back(nlohmann::json::parse(buffer.substr(at + 7, end - at - 7)));
      buffer.erase(0, end);
      if (out.size() == n) return false;
    }
    return true;
  });
  REQUIRE(out.size() == n);
  return out;
}

void CheckJsonError(const httplib::Result& r, int status, const std::string& code) {
  REQUIRE(r);
  INFO("body: " << r->body);
  CHECK(r->status == status);
  CHECK(r->get_header_value("Content-Type") == "application/json");
  CHECK(ErrorCodeOf(r->body) == code);
}

httplib::Result Decide(httplib::Client& c, const std::string& id, const std::string& decision,
                       const httplib::Headers& who) {
  return c.Post("/api/images/" + id + "/" + decision, who, "", "application/json");
}

// The names in a stored ZIP's central directory.
std::vector<std::string> ZipNames(const std::string& zip) {
  std::vector<std::string> names;
  for (size_t at = 0; (at = zip.find(std::string("PK\1\2", 4), at)) != std::string::npos;) {
    auto u16 = [&](size_t o) {
      return static_cast<size_t>(static_cast<unsigned char>(zip[at + o])) |
             static_cast<size_t>(static_cast<unsigned char>(zip[at + o + 1])) << 8;
    };
    names.push_back(zip.substr(at + 46, u16(28)));
    at += 46;
  }
  return names;
}

}  // namespace

TEST_CASE("with --moderate a guest's photo reaches the wall only once the owner approves it") {
  ServerProcess server({"--token", kToken, "--guest-code", kGuestCode, "--moderate"});
  auto c = server.Client();
  const httplib::Headers as_guest = {{"Cookie", JoinAsGuest(c)}};
  auto event_info = JsonBody(c.Get("/api/event"));
  CHECK(event_info["moderate"] == true);

  auto guest_job = UploadDone(c, as_guest, "guest.jpg");
  const std::string gid = guest_job["id"];
  CHECK(guest_job["moderation"] == "pending");
  auto pending = JsonBody(c.Get("/api/jobs?moderation=pending", kOwner));
  REQUIRE(pending["jobs"].size() == 1);
  CHECK(pending["jobs"][0]["id"] == gid);
  CheckJsonError(c.Get("/api/jobs?moderation=maybe", kOwner), 400, "bad_request");

  // Only the owner decides; an unknown photo is 404.
  CheckJsonError(Decide(c, gid, "approve", as_guest), 403, "forbidden");
  CheckJsonError(Decide(c, gid, "hide", as_guest), 403, "forbidden");
  CheckJsonError(Decide(c, "AAAAAAAAAAAAAAAAAAAAAA", "approve", kOwner), 404, "not_found");
  CHECK(JsonBody(c.Get("/api/jobs/" + gid, kOwner))["moderation"] == "pending");

  // The owner's own photo is approved at once; the wall sees it and not the guest's.
  auto owner_job = UploadDone(c, kOwner, "owner.jpg");
  CHECK(owner_job["moderation"] == "approved");
  const std::string key = JsonBody(c.Get("/api/wall", kOwner))["key"];
  const std::string wall = "/api/events?k=" + key + "&after=";
  auto first = Events(server.port(), wall + "0", {}, 1);
  CHECK(first[0]["id"] == owner_job["id"]);
  CHECK(first[0]["kind"] == "completed");
  // The owner's stream tells everything: the guest's completion first.
  auto owner_first = Events(server.port(), "/api/events?after=0", kOwner, 1);
  CHECK(owner_first[0]["id"] == gid);
  CHECK(owner_first[0]["job"]["moderation"] == "pending");
  auto zip = c.Get("/api/download.zip", kOwner);
  REQUIRE(zip);
  REQUIRE(zip->status == 200);
  CHECK(ZipNames(zip->body) == std::vector<std::string>{"owner.jpg"});

  // Approved: on the wall (without GPS) and in the download.
  auto approved = Decide(c, gid, "approve", kOwner);
  REQUIRE(approved);
  REQUIRE(approved->status == 200);
  CHECK(JsonBody(approved)["moderation"] == "approved");
  const std::string after_owner = std::to_string(first[0]["seq"].get<int64_t>());
  auto on_wall = Events(server.port(), wall + after_owner, {}, 1);
  CHECK(on_wall[0]["id"] == gid);
  CHECK(on_wall[0]["kind"] == "approved");
  CHECK(on_wall[0]["job"]["metadata"]["gps"].is_null());
  CHECK(c.Get("/api/jobs?moderation=pending", kOwner)->body.find(gid) == std::string::npos);
  zip = c.Get("/api/download.zip", kOwner);
  CHECK(ZipNames(zip->body) == std::vector<std::string>{"owner.jpg", "guest.jpg"});
  // The guest sees its photo approved.
  CHECK(JsonBody(c.Get("/api/jobs/" + gid, as_guest))["moderation"] == "approved");

  // Hidden: the wall is told to drop it, with no job.
  auto hidden = Decide(c, gid, "hide", kOwner);
  REQUIRE(hidden);
  REQUIRE(hidden->status == 200);
  CHECK(JsonBody(hidden)["moderation"] == "hidden");
  const std::string after_approval = std::to_string(on_wall[0]["seq"].get<int64_t>());
  auto off_wall = Events(server.port(), wall + after_approval, {}, 1);
  CHECK(off_wall[0]["id"] == gid);
  CHECK(off_wall[0]["kind"] == "hidden");
  CHECK(off_wall[0]["job"].is_null());

  // After a restart: still hidden; a wall replaying the log never shows it.
  server.Restart();
  auto again = server.Client();
  CHECK(JsonBody(again.Get("/api/jobs/" + gid, kOwner))["moderation"] == "hidden");
  auto hidden_list = JsonBody(again.Get("/api/jobs?moderation=hidden", kOwner));
  REQUIRE(hidden_list["jobs"].size() == 1);
  CHECK(hidden_list["jobs"][0]["id"] == gid);
  auto replay = Events(server.port(), wall + "0", {}, 2);
  CHECK(replay[0]["id"] == owner_job["id"]);
  CHECK(replay[1]["id"] == gid);
  CHECK(replay[1]["kind"] == "hidden");
  zip = again.Get("/api/download.zip", kOwner);
  CHECK(ZipNames(zip->body) == std::vector<std::string>{"owner.jpg"});

  // Restored by approving it again.
  REQUIRE(Decide(again, gid, "approve", kOwner)->status == 200);
  auto restored =
      Events(server.port(), wall + std::to_string(replay[1]["seq"].get<int64_t>()), {}, 1);
  CHECK(restored[0]["id"] == gid);
  CHECK(restored[0]["kind"] == "approved");
}

TEST_CASE("without --moderate a guest's photo goes to the wall at once") {
  ServerProcess server({"--token", kToken, "--guest-code", kGuestCode});
  auto c = server.Client();
  CHECK(JsonBody(c.Get("/api/event"))["moderate"] == false);
  auto job = UploadDone(c, {{"Cookie", JoinAsGuest(c)}}, "guest.jpg");
  CHECK(job["moderation"] == "approved");
  const std::string key = JsonBody(c.Get("/api/wall", kOwner))["key"];
  auto first = Events(server.port(), "/api/events?after=0&k=" + key, {}, 1);
  CHECK(first[0]["id"] == job["id"]);
  CHECK(first[0]["kind"] == "completed");
}

TEST_CASE("in event mode an original goes only to the owner and the guest who uploaded it") {
  ServerProcess server({"--token", kToken, "--guest-code", kGuestCode});
  auto c = server.Client();
  const httplib::Headers uploader = {{"Cookie", JoinAsGuest(c)}};
  const httplib::Headers other = {{"Cookie", JoinAsGuest(c)}};
  auto job = UploadDone(c, uploader, "beach.jpg");
  const std::string id = job["id"];
  const std::string original = "/o/" + id;
  const std::string bytes = GpsJpeg();
  // The guest's JSON holds the plain path: its cookie opens it.
  CHECK(job["original"]["url"] == original);

  auto own = c.Get(original, uploader);
  REQUIRE(own);
  CHECK(own->status == 200);
  CHECK(own->body == bytes);
  CHECK(own->get_header_value("Cache-Control").rfind("private", 0) == 0);
  auto owner = c.Get(original, kOwner);
  REQUIRE(owner);
  CHECK(owner->status == 200);
  CHECK(owner->body == bytes);

  CheckJsonError(c.Get(original), 403, "forbidden");
  CheckJsonError(c.Get(original, other), 403, "forbidden");
  const std::string key = JsonBody(c.Get("/api/wall", kOwner))["key"];
  CheckJsonError(c.Get(original + "?k=" + key), 403, "forbidden");

  // The owner's JSON holds a signed URL, for a browser's link (no header).
  const std::string signed_url = JsonBody(c.Get("/api/jobs/" + id, kOwner))["original"]["url"];
  REQUIRE(signed_url.rfind(original + "?exp=", 0) == 0);
  auto by_link = c.Get(signed_url);
  REQUIRE(by_link);
  CHECK(by_link->status == 200);
  CHECK(by_link->body == bytes);
  CheckJsonError(c.Get(signed_url + "x"), 403, "forbidden");

  // The variants, which everyone may see, carry no EXIF (no GPS position).
  REQUIRE(!job["variants"].empty());
  for (const auto& v : job["variants"]) {
    auto variant = c.Get(v["url"].get<std::string>());
    REQUIRE(variant);
    REQUIRE(variant->status == 200);
    CHECK(WebpSize(variant->body).first > 0);
    CHECK(variant->body.find("EXIF") == std::string::npos);
    CHECK(variant->body.find("Exif") == std::string::npos);
  }
  // The original does carry it: what the rule protects.
  CHECK(bytes.find("Exif") != std::string::npos);
}
