// Images whose decode could never fit --memory-budget-mb are refused at intake
// with 422 over_memory_budget (JSON), nothing of them is kept, and the server
// stays up and keeps processing (issue 18 item 5); a GIF whose first frame
// lies outside its screen is refused at intake, not failed in a worker
// (issue 18 item 13).
#include <catch2/catch.hpp>

#include "integration/server_harness.h"
#include "unit/support/fixtures.h"
#include "unit/support/hostile_images.h"

using namespace edgepix::testing;

namespace {

void CheckRefused(const httplib::Result& r, const std::string& code, const std::string& words) {
  REQUIRE(r);
  INFO("body: " << r->body);
  CHECK(r->status == 422);
  CHECK(r->get_header_value("Content-Type") == "application/json");
  auto body = JsonBody(r);
  CHECK(body["error"]["code"] == code);
  CHECK(body["error"]["message"].get<std::string>().find(words) != std::string::npos);
}

}  // namespace

TEST_CASE("an image that can never fit the memory budget gets 422 over_memory_budget at intake") {
  // The documented Raspberry Pi settings.
  ServerProcess server({"--workers", "2", "--max-megapixels", "24", "--memory-budget-mb", "64"});
  auto c = server.Client();
  // 24 MP of 16-bit RGBA, Adam7-interlaced: libpng must hold all of it (96 MB
  // after scaling to 8 bits).
  CheckRefused(UploadFiles(c, {{"huge.png", MakePngHeader(6000, 4000, 16, 6, true)}}),
               "over_memory_budget", "memory budget of 64 MB");
  // Nothing was stored or queued for it.
  auto list = JsonBody(c.Get("/api/jobs"));
  CHECK(list["jobs"].empty());
  // Still up, and an ordinary image goes through.
  auto health = c.Get("/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);
  auto ok = JsonBody(UploadFiles(c, {{"photo.png", MakePng(640, 480)}}));
  REQUIRE(ok["jobs"].size() == 1);
  CHECK(WaitForTerminal(c, ok["jobs"][0]["id"])["status"] == "COMPLETED");
}

TEST_CASE("a GIF whose first frame lies outside its screen is refused at intake") {
  ServerProcess server;
  auto c = server.Client();
  CheckRefused(UploadFiles(c, {{"off.gif", MakeGifWithFrame(100, 10, 60, 0, 65500, 1)}}),
               "undecodable", "first frame");
  CheckRefused(UploadFiles(c, {{"away.gif", MakeGifWithFrame(100, 100, 200, 0, 10, 10)}}),
               "undecodable", "outside the 100x100 screen");
  auto list = JsonBody(c.Get("/api/jobs"));
  CHECK(list["jobs"].empty());
}
