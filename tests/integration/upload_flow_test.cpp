// The product's spine over real HTTP: upload -> job -> variants -> serving.
#include <catch2/catch.hpp>

#include "integration/server_harness.h"

using namespace edgepix::testing;

TEST_CASE("multipart upload of a JPEG and a PNG ends in three WebP variants each") {
  ServerProcess server;
  auto c = server.Client();
  auto r = UploadFiles(c, {{"IMG_0042.jpg", MakeJpeg(1600, 1200)},
                           {"logo.png", MakePng(300, 200, /*with_alpha=*/true)}});
  REQUIRE(r);
  CHECK(r->status == 202);
  auto body = JsonBody(r);
  REQUIRE(body["jobs"].size() == 2);
  for (const auto& job : body["jobs"]) {
    CHECK(job["status"] == "PENDING");
    CHECK(job["version"] == 1);
    CHECK(job["error"].is_null());
    CHECK(job["placeholder"].is_null());  // only once COMPLETED
    CHECK(job["original"]["sha256"].get<std::string>().size() == 64);
  }
  CHECK(body["jobs"][0]["filename"] == "IMG_0042.jpg");
  CHECK(body["jobs"][0]["original"]["format"] == "jpeg");
  CHECK(body["jobs"][1]["original"]["format"] == "png");

  const std::string jpeg_id = body["jobs"][0]["id"];
  auto done = WaitForTerminal(c, jpeg_id);
  REQUIRE(done["status"] == "COMPLETED");
  CHECK(done["version"].get<int>() >= 3);
  CHECK(done["original"]["width"] == 1600);
  CHECK(done["original"]["height"] == 1200);
  // The ThumbHash placeholder: ~25 bytes, standard base64 with padding.
  const std::string hash = done["placeholder"]["thumbhash"];
  CHECK(hash.size() >= 20);
  CHECK(hash.size() <= 40);
  CHECK(hash.size() % 4 == 0);
  CHECK(
      hash.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") ==
      std::string::npos);
  REQUIRE(done["variants"].size() == 3);
  std::map<std::string, std::pair<int, int>> expected = {
      {"thumb", {150, 150}}, {"medium", {640, 480}}, {"large", {1280, 960}}};
  for (const auto& v : done["variants"]) {
    std::string name = v["name"];
    INFO("variant " << name);
    auto got = c.Get(v["url"].get<std::string>());
    REQUIRE(got);
    CHECK(got->status == 200);
    CHECK(got->get_header_value("Content-Type") == "image/webp");
    CHECK(WebpSize(got->body) == expected[name]);
    CHECK(v["width"] == expected[name].first);
    CHECK(v["height"] == expected[name].second);
    CHECK(v["bytes"] == got->body.size());
  }

  auto png_done = WaitForTerminal(c, body["jobs"][1]["id"]);
  REQUIRE(png_done["status"] == "COMPLETED");
  // Never upscaled: a 300x200 source keeps its size in medium and large.
  for (const auto& v : png_done["variants"]) {
    if (v["name"] == "large") CHECK((v["width"] == 300 && v["height"] == 200));
    if (v["name"] == "thumb") CHECK((v["width"] == 150 && v["height"] == 150));
  }
}

TEST_CASE("variants carry immutable caching headers and answer 304 to If-None-Match") {
  ServerProcess server;
  auto c = server.Client();
  auto body = JsonBody(UploadFiles(c, {{"a.jpg", MakeJpeg(400, 300)}}));
  const std::string id = body["jobs"][0]["id"];
  REQUIRE(WaitForTerminal(c, id)["status"] == "COMPLETED");
  auto first = c.Get("/v/" + id + "/thumb.webp");
  REQUIRE(first);
  REQUIRE(first->status == 200);
  CHECK(first->get_header_value("Cache-Control") == "public, max-age=31536000, immutable");
  const std::string etag = first->get_header_value("ETag");
  REQUIRE(etag.size() > 2);
  CHECK(etag.front() == '"');
  auto again = c.Get("/v/" + id + "/thumb.webp", {{"If-None-Match", etag}});
  REQUIRE(again);
  CHECK(again->status == 304);
  CHECK(again->body.empty());
  auto other = c.Get("/v/" + id + "/thumb.webp", {{"If-None-Match", "\"something-else\""}});
  REQUIRE(other);
  CHECK(other->status == 200);
  auto head = c.Head("/v/" + id + "/thumb.webp");
  REQUIRE(head);
  CHECK(head->status == 200);
  CHECK(head->get_header_value("ETag") == etag);

  auto original = c.Get("/o/" + id);
  REQUIRE(original);
  CHECK(original->status == 200);
  CHECK(original->get_header_value("Content-Type") == "image/jpeg");
  CHECK(original->body == MakeJpeg(400, 300));
}

TEST_CASE("a multipart filename of 10 KB is kept truncated to 255 bytes, not refused") {
  // Names are cut to 255 bytes where they are kept; a long one is no reason to
  // refuse the photo (cpp-httplib's 8 KiB part-header limit used to answer 400,
  // and its regex parse of the header overflowed the stack on long names).
  ServerProcess server;
  auto c = server.Client();
  for (size_t length : {size_t(10 * 1024), size_t(60 * 1024)}) {
    INFO("filename of " << length << " bytes");
    const std::string name = std::string(length, 'n') + ".png";
    auto r = UploadFiles(c, {{name, MakePng(64, 48)}});
    REQUIRE(r);
    REQUIRE(r->status == 202);
    auto body = JsonBody(r);
    REQUIRE(body["jobs"].size() == 1);
    const std::string kept = body["jobs"][0]["filename"];
    // Cut at a character boundary within 255 bytes (CleanFilename).
    CHECK(kept.size() >= 252);
    CHECK(kept.size() <= 255);
    CHECK(kept == name.substr(0, kept.size()));
  }
}

TEST_CASE("a raw image body with ?filename= is accepted") {
  ServerProcess server;
  auto c = server.Client();
  auto r = c.Post("/api/uploads?filename=raw.bmp", MakeBmp(64, 48), "application/octet-stream");
  REQUIRE(r);
  CHECK(r->status == 202);
  auto body = JsonBody(r);
  REQUIRE(body["jobs"].size() == 1);
  CHECK(body["jobs"][0]["filename"] == "raw.bmp");
  CHECK(WaitForTerminal(c, body["jobs"][0]["id"])["status"] == "COMPLETED");
}

TEST_CASE("an EXIF-rotated photo gets upright variants and its metadata recorded") {
  ServerProcess server;
  auto c = server.Client();
  ExifFields exif;
  exif.orientation = 6;
  exif.make = "Canon";
  exif.model = "EOS 5D";
  exif.date_time_original = "2024:05:01 12:34:56";
  exif.with_gps = true;
  exif.lat = 48.8583;
  exif.lon = -2.2945;
  auto body = JsonBody(UploadFiles(c, {{"rotated.jpg", MakeJpeg(800, 400, exif)}}));
  auto job = WaitForTerminal(c, body["jobs"][0]["id"]);
  REQUIRE(job["status"] == "COMPLETED");
  CHECK(job["metadata"]["orientation"] == 6);
  CHECK(job["metadata"]["camera"]["make"] == "Canon");
  CHECK(job["metadata"]["camera"]["model"] == "EOS 5D");
  CHECK(job["metadata"]["taken_at"] == "2024-05-01T12:34:56");
  CHECK(job["metadata"]["gps"]["lat"].get<double>() == Approx(48.8583).margin(1e-3));
  CHECK(job["metadata"]["gps"]["lon"].get<double>() == Approx(-2.2945).margin(1e-3));
  for (const auto& v : job["variants"]) {
    if (v["name"] == "medium") {
      // Stored 800x400, displayed 400x800 after a 90 degree turn; fits inside 640.
      CHECK(v["width"] == 320);
      CHECK(v["height"] == 640);
    }
  }
}

TEST_CASE("GET /api/jobs lists newest first with a cursor") {
  ServerProcess server;
  auto c = server.Client();
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    auto body = JsonBody(UploadFiles(c, {{"f" + std::to_string(i) + ".png", MakePng(20 + i, 20)}}));
    ids.push_back(body["jobs"][0]["id"]);
  }
  auto page1 = JsonBody(c.Get("/api/jobs?limit=2"));
  REQUIRE(page1["jobs"].size() == 2);
  CHECK(page1["jobs"][0]["id"] == ids[2]);
  CHECK(page1["jobs"][1]["id"] == ids[1]);
  REQUIRE(page1["next"].is_string());
  auto page2 = JsonBody(c.Get("/api/jobs?limit=2&cursor=" + page1["next"].get<std::string>()));
  REQUIRE(page2["jobs"].size() == 1);
  CHECK(page2["jobs"][0]["id"] == ids[0]);
  CHECK(page2["next"].is_null());
  auto bad = c.Get("/api/jobs?limit=0");
  REQUIRE(bad);
  CHECK(bad->status == 400);
  CHECK(JsonBody(bad)["error"]["code"] == "bad_request");
  auto bad_status = c.Get("/api/jobs?status=DONE");
  REQUIRE(bad_status);
  CHECK(bad_status->status == 400);
}

TEST_CASE("DELETE /api/images/{id} removes the job, the original and every variant") {
  ServerProcess server;
  auto c = server.Client();
  auto body = JsonBody(UploadFiles(c, {{"d.jpg", MakeJpeg(300, 200)}}));
  const std::string id = body["jobs"][0]["id"];
  REQUIRE(WaitForTerminal(c, id)["status"] == "COMPLETED");
  auto del = c.Delete("/api/images/" + id);
  REQUIRE(del);
  CHECK(del->status == 204);
  for (const std::string& path :
       {"/api/jobs/" + id, "/o/" + id, "/v/" + id + "/thumb.webp", "/v/" + id + "/large.webp"}) {
    INFO(path);
    auto r = c.Get(path);
    REQUIRE(r);
    CHECK(r->status == 404);
    CHECK(JsonBody(r)["error"]["code"] == "not_found");
  }
  auto again = c.Delete("/api/images/" + id);
  REQUIRE(again);
  CHECK(again->status == 404);
}

TEST_CASE("Server-Sent Events report each change and close after the terminal state") {
  ServerProcess server;
  auto c = server.Client();
  auto body = JsonBody(UploadFiles(c, {{"e.jpg", MakeJpeg(900, 600)}}));
  const std::string id = body["jobs"][0]["id"];
  std::string stream;
  auto r = c.Get("/api/jobs/" + id + "/events", [&](const char* data, size_t n) {
    stream.append(data, n);
    return true;
  });
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->get_header_value("Content-Type") == "text/event-stream");
  INFO(stream);
  CHECK(stream.find("event: status") != std::string::npos);
  CHECK(stream.find("\"status\":\"COMPLETED\"") != std::string::npos);
  // The last event is the terminal one.
  auto last = stream.rfind("data: ");
  REQUIRE(last != std::string::npos);
  CHECK(stream.find("COMPLETED", last) != std::string::npos);
}
