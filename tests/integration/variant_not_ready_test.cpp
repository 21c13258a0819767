// GET /v/{id}/{variant}.webp before the variant exists: 404 not_ready with
// Retry-After while the job is PENDING, 200 once it is made; a FAILED job's
// variant is 404 not_found without Retry-After (nothing will come).
#include <catch2/catch.hpp>
#include <string>

#include "integration/server_harness.h"

using namespace edgepix::testing;

namespace {

// One worker kept busy by a large photo, so the jobs uploaded after it wait.
std::string Blocker() { return MakeJpeg(4000, 3000); }

}  // namespace

TEST_CASE("variants: a variant of a PENDING job is 404 not_ready with Retry-After, then 200") {
  ServerProcess server({"--workers", "1"});
  auto c = server.Client();
  // The job is checked *after* the GET: still at version 1 (PENDING) means it was
  // PENDING when the server answered, whatever the machine's speed. A machine
  // that finishes the blocker first gets another try.
  for (int attempt = 0; attempt < 5; ++attempt) {
    REQUIRE(UploadFiles(c, {{"blocker.jpg", Blocker() + std::string(attempt + 1, '\0')}})->status ==
            202);
    auto up = JsonBody(UploadFiles(c, {{"wait.png", MakePng(400 + attempt, 300)}}));
    const std::string id = up["jobs"][0]["id"];
    auto r = c.Get("/v/" + id + "/thumb.webp");
    auto job = JsonBody(c.Get("/api/jobs/" + id));
    if (job["version"] != 1) continue;  // it left PENDING: the answer proves nothing
    REQUIRE(r);
    INFO(r->body);
    CHECK(r->status == 404);
    CHECK(r->get_header_value("Retry-After") == "1");
    CHECK(JsonBody(r)["error"]["code"] == "not_ready");
    CHECK(r->get_header_value("Cache-Control").find("immutable") == std::string::npos);
    // The same URL serves the variant once the job is done.
    REQUIRE(WaitForTerminal(c, id)["status"] == "COMPLETED");
    auto ready = c.Get("/v/" + id + "/thumb.webp");
    REQUIRE(ready);
    CHECK(ready->status == 200);
    CHECK(WebpSize(ready->body) == std::make_pair(150, 150));
    return;
  }
  EDGEPIX_SKIP("every waiting job left PENDING before its variant was asked for (5 tries)");
}

TEST_CASE("variants: a variant of a FAILED job is 404 not_found without Retry-After") {
  ServerProcess server;
  auto c = server.Client();
  // A JPEG cut inside its scan data: the header passes the upload's probe, the
  // decode fails ("Premature end of JPEG file").
  auto up = JsonBody(UploadFiles(c, {{"cut.jpg", MakeJpeg(640, 480).substr(0, 700)}}));
  REQUIRE(up["jobs"].size() == 1);
  const std::string id = up["jobs"][0]["id"];
  auto job = WaitForTerminal(c, id);
  REQUIRE(job["status"] == "FAILED");
  CHECK(job["error"]["code"] == "undecodable");
  auto r = c.Get("/v/" + id + "/thumb.webp");
  REQUIRE(r);
  CHECK(r->status == 404);
  CHECK(JsonBody(r)["error"]["code"] == "not_found");
  CHECK_FALSE(r->has_header("Retry-After"));
}
