// A HEIC upload, as a phone app sends one, through the real server: accepted
// as `heic` with its displayed size at intake, COMPLETED with upright WebP
// variants of the sizes the displayed image gives. The fixture is made here
// by Debian's heif-enc (libheif-examples); without it the test is skipped.
#include <catch2/catch.hpp>

#include "image/pipeline.h"
#include "integration/server_harness.h"
#include "unit/support/heif_fixtures.h"
#include "unit/support/skip.h"

using namespace edgepix::testing;

TEST_CASE("a HEIC upload ends COMPLETED with WebP variants of its displayed size") {
  if (!HaveHeifEnc()) EDGEPIX_SKIP("heif-enc (Debian libheif-examples) is not installed");
  if (!edgepix::image::HeifSupported()) EDGEPIX_SKIP("built with EDGEPIX_HEIF=OFF");
  // Coded 400x300 and turned a quarter by irot (EXIF orientation 6, as an
  // iPhone held upright writes it): displayed 300x400.
  ExifFields exif;
  exif.orientation = 6;
  exif.model = "iPhone 12";
  const std::string heic =
      AddHeifOrientation(HeifEnc(MakeJpeg(400, 300, exif), "jpg", {"-q", "80"}), 6);
  REQUIRE(!heic.empty());

  ServerProcess server;
  auto c = server.Client();
  auto r = UploadFiles(c, {{"IMG_0001.HEIC", heic}});
  REQUIRE(r);
  REQUIRE(r->status == 202);
  auto body = JsonBody(r);
  REQUIRE(body["jobs"].size() == 1);
  CHECK(body["jobs"][0]["original"]["format"] == "heic");
  CHECK(body["jobs"][0]["original"]["width"] == 300);
  CHECK(body["jobs"][0]["original"]["height"] == 400);

  const std::string id = body["jobs"][0]["id"];
  auto done = WaitForTerminal(c, id);
  REQUIRE(done["status"] == "COMPLETED");
  CHECK(done["original"]["format"] == "heic");
  CHECK(done["original"]["width"] == 300);
  CHECK(done["original"]["height"] == 400);
  CHECK(done["metadata"]["orientation"] == 6);  // information: irot already turned it
  CHECK(done["metadata"]["camera"]["model"] == "iPhone 12");
  auto original = c.Get("/o/" + id);
  REQUIRE(original);
  CHECK(original->status == 200);
  CHECK(original->get_header_value("Content-Type") == "image/heic");
  CHECK(original->body == heic);
  std::map<std::string, std::pair<int, int>> expected = {
      {"thumb", {150, 150}}, {"medium", {300, 400}}, {"large", {300, 400}}};
  REQUIRE(done["variants"].size() == 3);
  for (const auto& v : done["variants"]) {
    const std::string name = v["name"];
    INFO("variant " << name);
    auto got = c.Get(v["url"].get<std::string>());
    REQUIRE(got);
    CHECK(got->status == 200);
    CHECK(WebpSize(got->body) == expected[name]);
    CHECK(v["width"] == expected[name].first);
    CHECK(v["height"] == expected[name].second);
  }
}
