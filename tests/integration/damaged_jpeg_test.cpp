// JPEG like a browser (issue 14), against the real binary: stray bytes in a
// header and a file cut at 70% end COMPLETED with the job's `warnings` saying
// what was tolerated; a file cut at 20% (under half of its rows) ends FAILED.
#include <catch2/catch.hpp>
#include <string>

#include "integration/server_harness.h"
#include "unit/support/fixtures.h"

using namespace edgepix::testing;

namespace {

bool AnyContains(const nlohmann::json& list, const std::string& what) {
  for (const auto& w : list) {
    if (w.get<std::string>().find(what) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("damaged JPEGs: warnings on COMPLETED jobs, FAILED under half of the rows") {
  const std::string jpeg = MakeJpeg(640, 480);
  std::string stray = jpeg;
  stray.insert(stray.find("\xFF\xDB"), "\x12\x34\x56\x78");
  ServerProcess server;
  auto c = server.Client();
  auto up = JsonBody(UploadFiles(c, {{"stray.jpg", stray},
                                     {"cut70.jpg", jpeg.substr(0, jpeg.size() * 7 / 10)},
                                     {"cut20.jpg", jpeg.substr(0, jpeg.size() * 2 / 10)},
                                     {"clean.jpg", jpeg}}));
  REQUIRE(up["jobs"].size() == 4);

  auto stray_job = WaitForTerminal(c, up["jobs"][0]["id"]);
  INFO(stray_job.dump());
  CHECK(stray_job["status"] == "COMPLETED");
  CHECK(stray_job["variants"].size() == 3);
  CHECK(AnyContains(stray_job["warnings"], "extraneous bytes before marker 0xdb"));

  auto cut70 = WaitForTerminal(c, up["jobs"][1]["id"]);
  INFO(cut70.dump());
  CHECK(cut70["status"] == "COMPLETED");
  CHECK(AnyContains(cut70["warnings"], "Premature end of JPEG file"));
  CHECK(AnyContains(cut70["warnings"], "of its rows decode"));

  auto cut20 = WaitForTerminal(c, up["jobs"][2]["id"]);
  INFO(cut20.dump());
  CHECK(cut20["status"] == "FAILED");
  CHECK(cut20["error"]["code"] == "undecodable");
  CHECK(cut20["error"]["message"].get<std::string>().find("under half") != std::string::npos);
  CHECK(cut20["warnings"].empty());

  auto clean = WaitForTerminal(c, up["jobs"][3]["id"]);
  CHECK(clean["status"] == "COMPLETED");
  CHECK(clean["warnings"] == nlohmann::json::array());
  // The list and the long-poll show the same field.
  auto again = JsonBody(c.Get(("/api/jobs/" + up["jobs"][1]["id"].get<std::string>()).c_str()));
  CHECK(again["warnings"] == cut70["warnings"]);
}
