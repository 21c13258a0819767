// Animated GIFs and PNGs against the real binary (issue 14 item 3): the served
// variants are animated WebPs with the GIF's frame count and delays (read by
// libwebp's demuxer); over --max-frames, stills and the job's warnings say so.
#include <catch2/catch.hpp>
#include <string>

#include "integration/server_harness.h"
#include "unit/support/apng_fixtures.h"
#include "unit/support/gif_fixtures.h"
#include "unit/support/webp_animation.h"

using namespace edgepix::testing;

TEST_CASE("an animated GIF is served as animated WebP variants, and over --max-frames as stills") {
  ServerProcess server({"--max-frames", "10", "--animated-thumb=false"});
  auto c = server.Client();
  auto up = JsonBody(UploadFiles(c, {{"anim.gif", MakeAnimatedGif(120, 80, 10, 7)},
                                     {"long.gif", MakeAnimatedGif(60, 40, 11, 7)}}));
  REQUIRE(up["jobs"].size() == 2);

  auto anim = WaitForTerminal(c, up["jobs"][0]["id"]);
  INFO(anim.dump());
  REQUIRE(anim["status"] == "COMPLETED");
  CHECK(anim["warnings"].empty());
  const std::string id = anim["id"];
  for (const char* name : {"medium", "large"}) {
    auto v = c.Get(("/v/" + id + "/" + name + ".webp").c_str());
    REQUIRE(v);
    REQUIRE(v->status == 200);
    auto info = InspectWebpAnimation(v->body);
    INFO(name);
    CHECK(info.animated);
    CHECK(info.durations_ms == std::vector<int>(10, 70));
  }
  // --animated-thumb=false: the thumb is a still.
  auto thumb = c.Get(("/v/" + id + "/thumb.webp").c_str());
  REQUIRE(thumb);
  CHECK_FALSE(InspectWebpAnimation(thumb->body).animated);

  auto still = WaitForTerminal(c, up["jobs"][1]["id"]);
  INFO(still.dump());
  REQUIRE(still["status"] == "COMPLETED");
  REQUIRE(still["warnings"].size() == 1);
  CHECK(still["warnings"][0].get<std::string>().find("more than --max-frames 10") !=
        std::string::npos);
  auto large = c.Get(("/v/" + still["id"].get<std::string>() + "/large.webp").c_str());
  REQUIRE(large);
  auto info = InspectWebpAnimation(large->body);
  CHECK(info.valid);
  CHECK_FALSE(info.animated);
}

// The dedup key holds --max-frames and --animated-thumb: the same GIF uploaded
// again under other settings is processed afresh, not given the earlier
// job's variants (an animation where a still is asked for, or the reverse).
TEST_CASE("an animated GIF uploaded again under other --max-frames or --animated-thumb is redone") {
  TempDir dir;
  const std::string data = dir.Join("data");
  const std::string gif = MakeAnimatedGif(120, 80, 12, 7);
  auto thumb_and_large = [](httplib::Client& c, const nlohmann::json& job) {
    const std::string id = job["id"];
    auto thumb = c.Get(("/v/" + id + "/thumb.webp").c_str());
    auto large = c.Get(("/v/" + id + "/large.webp").c_str());
    REQUIRE(thumb);
    REQUIRE(large);
    return std::make_pair(InspectWebpAnimation(thumb->body).animated,
                          InspectWebpAnimation(large->body).animated);
  };
  {
    ServerProcess server({}, data);
    auto c = server.Client();
    auto done = WaitForTerminal(c, JsonBody(UploadFiles(c, {{"a.gif", gif}}))["jobs"][0]["id"]);
    REQUIRE(done["status"] == "COMPLETED");
    CHECK(thumb_and_large(c, done) == std::make_pair(true, true));
    // A COMPLETED animation carries a placeholder made from its first frame.
    CHECK(done["placeholder"]["thumbhash"].get<std::string>().size() >= 20);
  }
  SECTION("--max-frames under its frame count: stills") {
    ServerProcess server({"--max-frames", "5"}, data);
    auto c = server.Client();
    auto done = WaitForTerminal(c, JsonBody(UploadFiles(c, {{"b.gif", gif}}))["jobs"][0]["id"]);
    REQUIRE(done["status"] == "COMPLETED");
    CHECK(thumb_and_large(c, done) == std::make_pair(false, false));
    CHECK(done["warnings"].size() == 1);
  }
  SECTION("--animated-thumb=false: a still thumb") {
    ServerProcess server({"--animated-thumb=false"}, data);
    auto c = server.Client();
    auto done = WaitForTerminal(c, JsonBody(UploadFiles(c, {{"b.gif", gif}}))["jobs"][0]["id"]);
    REQUIRE(done["status"] == "COMPLETED");
    CHECK(thumb_and_large(c, done) == std::make_pair(false, true));
  }
  SECTION("the same settings still share the work, placeholder included") {
    ServerProcess server({}, data);
    auto c = server.Client();
    auto done = WaitForTerminal(c, JsonBody(UploadFiles(c, {{"b.gif", gif}}))["jobs"][0]["id"]);
    REQUIRE(done["status"] == "COMPLETED");
    CHECK(thumb_and_large(c, done) == std::make_pair(true, true));
    CHECK(done["placeholder"]["thumbhash"].get<std::string>().size() >= 20);
  }
}

TEST_CASE("an animated PNG is served as animated WebP variants with its frames and delays") {
  ServerProcess server;
  auto c = server.Client();
  auto up = JsonBody(UploadFiles(c, {{"anim.png", MakeSimpleApng(200, 120, 6, 80)}}));
  auto done = WaitForTerminal(c, up["jobs"][0]["id"]);
  INFO(done.dump());
  REQUIRE(done["status"] == "COMPLETED");
  CHECK(done["original"]["format"] == "png");
  CHECK(done["warnings"].empty());
  CHECK(done["placeholder"]["thumbhash"].is_string());
  const std::string id = done["id"];
  for (const char* name : {"thumb", "medium", "large"}) {
    auto v = c.Get(("/v/" + id + "/" + name + ".webp").c_str());
    REQUIRE(v);
    REQUIRE(v->status == 200);
    auto info = InspectWebpAnimation(v->body);
    INFO(name);
    CHECK(info.animated);
    CHECK(info.loop_count == 0);
    CHECK(info.durations_ms == std::vector<int>(6, 80));
  }
}
