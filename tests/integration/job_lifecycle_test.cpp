// A job's life against the real binary: each variant listed as it lands, a
// delete during processing that sticks, a refused multipart request that keeps
// nothing, dedupe only between identical settings, a long-poll on a finished
// job that answers at once.
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "integration/server_harness.h"

using namespace edgepix::testing;
using Clock = std::chrono::steady_clock;

namespace {

// Regular files under `dir` whose path contains `needle` (the database excluded).
std::vector<std::string> FilesMentioning(const std::string& dir, const std::string& needle) {
  std::vector<std::string> found;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    const std::string path = e.path().string();
    if (path.find("jobs.db") != std::string::npos) continue;
    if (e.is_regular_file() && path.find(needle) != std::string::npos) found.push_back(path);
  }
  return found;
}

const char* const kBoundary = "jobsTestBoundary7MA4YWxkTrZu0gW";

std::string FilePart(const std::string& filename, const std::string& bytes) {
  return std::string("--") + kBoundary +
         "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename +
         "\"\r\nContent-Type: application/octet-stream\r\n\r\n" + bytes + "\r\n";
}

httplib::Result PostMultipart(httplib::Client& c, const std::string& body) {
  return c.Post("/api/uploads", body, std::string("multipart/form-data; boundary=") + kBoundary);
}

}  // namespace

TEST_CASE("jobs: each variant is listed in the job as it lands, each bumping version") {
  ServerProcess server;
  auto c = server.Client();
  auto up = JsonBody(UploadFiles(c, {{"a.jpg", MakeJpeg(1600, 1200)}}));
  const std::string id = up["jobs"][0]["id"];
  // Follow every version: 1 PENDING, 2 PROCESSING, 3..5 one variant each, 6 COMPLETED.
  std::vector<nlohmann::json> seen;
  int64_t version = 1;
  for (int i = 0; i < 20; ++i) {
    auto j = JsonBody(c.Get("/api/jobs/" + id + "?wait=30&since=" + std::to_string(version)));
    seen.push_back(j);
    version = j["version"];
    if (j["status"] == "COMPLETED" || j["status"] == "FAILED") break;
  }
  const auto& done = seen.back();
  REQUIRE(done["status"] == "COMPLETED");
  CHECK(done["version"] == 6);
  REQUIRE(done["variants"].size() == 3);
  // Whatever the long-poll caught in between: a PROCESSING job lists only
  // variants that are fetchable, and never more than the finished job.
  for (const auto& j : seen) {
    if (j["status"] != "PROCESSING") continue;
    CHECK(j["variants"].size() == static_cast<size_t>(j["version"].get<int>() - 2));
    for (const auto& v : j["variants"]) {
      auto got = c.Get(v["url"].get<std::string>());
      REQUIRE(got);
      CHECK(got->status == 200);
      CHECK(v["bytes"] == got->body.size());
    }
  }
}

TEST_CASE("jobs: DELETE while processing, 20 times: after the 204 nothing is served or kept") {
  ServerProcess server({"--workers", "1"});
  auto c = server.Client();
  const std::string big = MakeJpeg(3000, 2000);
  const std::string small = MakePng(64, 64);
  for (int trial = 0; trial < 20; ++trial) {
    INFO("trial " << trial);
    auto up = JsonBody(UploadFiles(c, {{"big.jpg", big}, {"small.png", small}}));
    REQUIRE(up["jobs"].size() == 2);
    const std::string id = up["jobs"][0]["id"];
    const std::string marker = up["jobs"][1]["id"];
    // PROCESSING (and, on odd trials, after its first variant landed).
    const int target = trial % 2 == 0 ? 2 : 3;
    auto j = JsonBody(c.Get("/api/jobs/" + id + "?wait=30&since=1"));
    while (j["status"] == "PROCESSING" && j["version"].get<int>() < target) {
      j = JsonBody(c.Get("/api/jobs/" + id + "?wait=30&since=" + j["version"].dump()));
    }
    if (j["status"] != "PROCESSING") {
      WARN("trial " << trial << ": the job finished before the delete; trial not counted");
      continue;
    }
    auto del = c.Delete("/api/images/" + id);
    REQUIRE(del);
    REQUIRE(del->status == 204);
    // Until the worker is done with it (the marker job runs after it, one
    // worker), nothing of it may be served.
    int checks = 0;
    while (true) {
      auto m = JsonBody(c.Get("/api/jobs/" + marker));
      const bool worker_done = m["status"] == "COMPLETED";
      for (const char* name : {"thumb", "medium", "large"}) {
        auto v = c.Get("/v/" + id + "/" + name + ".webp");
        REQUIRE(v);
        CHECK(v->status == 404);
      }
      auto o = c.Get("/o/" + id);
      REQUIRE(o);
      CHECK(o->status == 404);
      CHECK(c.Get("/api/jobs/" + id)->status == 404);
      ++checks;
      if (worker_done) break;
      REQUIRE(checks < 2000);
    }
    CHECK(FilesMentioning(server.data_dir(), id).empty());
  }
}

TEST_CASE("jobs: a multipart request refused for too many files keeps none of them") {
  ServerProcess server;
  auto c = server.Client();
  const std::string png = MakePng(16, 16);
  std::string body;
  for (int i = 0; i < 200; ++i) body += FilePart("f" + std::to_string(i) + ".png", png);
  body += std::string("--") + kBoundary + "--\r\n";
  auto r = PostMultipart(c, body);
  REQUIRE(r);
  CHECK(r->status == 400);
  CHECK(JsonBody(r)["error"]["code"] == "bad_request");
  CHECK(JsonBody(c.Get("/api/jobs"))["jobs"].empty());
  CHECK(FilesMentioning(server.data_dir(), "/originals/").empty());
  CHECK(FilesMentioning(server.data_dir(), "/variants/").empty());
}

TEST_CASE("jobs: a multipart body malformed after three complete files keeps none of them") {
  ServerProcess server;
  auto c = server.Client();
  std::string body;
  for (int i = 0; i < 3; ++i) body += FilePart("f" + std::to_string(i) + ".png", MakePng(32, 32));
  // A fourth part whose headers never end, then the body stops.
  body += std::string("--") + kBoundary + "\r\nContent-Disposition: form-data; name=\"file\"";
  auto r = PostMultipart(c, body);
  REQUIRE(r);
  CHECK(r->status == 400);
  CHECK(JsonBody(c.Get("/api/jobs"))["jobs"].empty());
  CHECK(FilesMentioning(server.data_dir(), "/originals/").empty());
  CHECK(FilesMentioning(server.data_dir(), "/variants/").empty());
}

TEST_CASE("jobs: identical bytes after a restart with other variant settings get new variants") {
  TempDir dir;
  const std::string data = dir.Join("data");
  const std::string jpeg = MakeJpeg(800, 600);
  auto thumb_of = [](httplib::Client& c, const nlohmann::json& job) {
    for (const auto& v : job["variants"]) {
      if (v["name"] == "thumb") return c.Get(v["url"].get<std::string>())->body;
    }
    FAIL("no thumb");
    return std::string();
  };
  std::string first_thumb;
  {
    ServerProcess server({}, data);
    auto c = server.Client();
    auto up = JsonBody(UploadFiles(c, {{"a.jpg", jpeg}}));
    auto done = WaitForTerminal(c, up["jobs"][0]["id"]);
    REQUIRE(done["status"] == "COMPLETED");
    first_thumb = thumb_of(c, done);
    CHECK(WebpSize(first_thumb) == std::make_pair(150, 150));
  }
  SECTION("another size under the same variant names") {
    ServerProcess server({"--variant", "thumb:100x100:cover", "--variant", "medium:640x640:inside",
                          "--variant", "large:1280x1280:inside"},
                         data);
    auto c = server.Client();
    auto up = JsonBody(UploadFiles(c, {{"b.jpg", jpeg}}));
    auto done = WaitForTerminal(c, up["jobs"][0]["id"]);
    REQUIRE(done["status"] == "COMPLETED");
    CHECK(WebpSize(thumb_of(c, done)) == std::make_pair(100, 100));
  }
  SECTION("another --webp-method") {
    ServerProcess server({"--webp-method", "0"}, data);
    auto c = server.Client();
    auto up = JsonBody(UploadFiles(c, {{"b.jpg", jpeg}}));
    auto done = WaitForTerminal(c, up["jobs"][0]["id"]);
    REQUIRE(done["status"] == "COMPLETED");
    CHECK(thumb_of(c, done) != first_thumb);
  }
  SECTION("the same settings still share the work") {
    ServerProcess server({}, data);
    auto c = server.Client();
    auto up = JsonBody(UploadFiles(c, {{"b.jpg", jpeg}}));
    auto done = WaitForTerminal(c, up["jobs"][0]["id"]);
    REQUIRE(done["status"] == "COMPLETED");
    CHECK(thumb_of(c, done) == first_thumb);
  }
}
