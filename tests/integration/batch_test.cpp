// Batches against the real binary (issue 12, part 1): a batch's status and
// counts follow its jobs (PARTIAL with one undecodable file), uploads into an
// unknown or closed batch are refused, --batch-ttl closes a forgotten batch,
// DELETE removes every image of a batch, the counts equal what the jobs say
// after kill -9 cycles, and the long-poll and SSE stream end on a terminal batch.
#include <SQLiteCpp/SQLiteCpp.h>
#include <signal.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <thread>

#include "integration/server_harness.h"

using namespace edgepix::testing;

namespace {

httplib::Result PostJson(httplib::Client& c, const std::string& path, const nlohmann::json& body) {
  return c.Post(path, body.dump(), "application/json");
}

std::string CreateBatch(httplib::Client& c, const nlohmann::json& body = nlohmann::json::object()) {
  auto r = PostJson(c, "/api/batches", body);
  REQUIRE(r);
  REQUIRE(r->status == 201);
  return JsonBody(r)["batch"]["id"];
}

httplib::Result UploadInto(httplib::Client& c, const std::string& batch,
                           const std::vector<std::pair<std::string, std::string>>& files) {
  httplib::MultipartFormDataItems items;
  for (const auto& [name, bytes] : files) {
    items.push_back({"file", bytes, name, "application/octet-stream"});
  }
  return c.Post("/api/uploads?batch=" + batch, items);
}

nlohmann::json Complete(httplib::Client& c, const std::string& batch) {
  auto r = c.Post("/api/batches/" + batch + "/complete", "", "application/json");
  REQUIRE(r);
  REQUIRE(r->status == 200);
  return JsonBody(r)["batch"];
}

bool Terminal(const nlohmann::json& b) {
  return b["status"] == "COMPLETED" || b["status"] == "PARTIAL" || b["status"] == "FAILED";
}

// Long-polls (without since: until terminal) for up to `seconds`.
nlohmann::json WaitForBatch(httplib::Client& c, const std::string& id, int seconds = 60) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  nlohmann::json b;
  while (std::chrono::steady_clock::now() < deadline) {
    auto r = c.Get("/api/batches/" + id + "?wait=30");
    b = JsonBody(r);
    REQUIRE(r->status == 200);
    if (Terminal(b)) return b;
  }
  FAIL("batch " << id << " did not end in " << seconds << " s: " << b.dump());
  return b;
}

// The counts a batch's jobs give, by listing them.
std::map<std::string, int> JobStatuses(httplib::Client& c, const std::string& batch) {
  std::map<std::string, int> out;
  std::string cursor;
  do {
    auto page = JsonBody(
        c.Get("/api/jobs?limit=200&batch=" + batch + (cursor.empty() ? "" : "&cursor=" + cursor)));
    for (const auto& j : page["jobs"]) {
      CHECK(j["batch"] == batch);
      out[j["status"].get<std::string>()] += 1;
    }
    cursor = page["next"].is_null() ? "" : page["next"].get<std::string>();
  } while (!cursor.empty());
  return out;
}

}  // namespace

TEST_CASE("batches: 5 files with one undecodable end PARTIAL with counts 4/1") {
  ServerProcess server({"--workers", "2"});
  auto c = server.Client();
  auto created = JsonBody(PostJson(c, "/api/batches", {{"metadata", {{"user", "u-17"}}}}));
  const nlohmann::json& b0 = created["batch"];
  CHECK(b0["status"] == "OPEN");
  CHECK(b0["version"] == 1);
  CHECK(b0["metadata"]["user"] == "u-17");
  CHECK(b0["closed_at"].is_null());
  CHECK(b0["jobs"].empty());
  const std::string id = b0["id"];

  auto up = JsonBody(UploadInto(c, id,
                                {{"a.jpg", MakeJpeg(320, 240)},
                                 {"b.png", MakePng(300, 200)},
                                 {"cut.jpg", MakeJpeg(640, 480).substr(0, 700)},
                                 {"c.webp", MakeWebp(200, 150)}}));
  REQUIRE(up["jobs"].size() == 4);
  for (const auto& j : up["jobs"]) CHECK(j["batch"] == id);
  // Raw uploads join too.
  auto raw = c.Post("/api/uploads?filename=d.gif&batch=" + id, MakeGif(120, 90),
                    "application/octet-stream");
  REQUIRE(raw);
  REQUIRE(raw->status == 202);
  CHECK(JsonBody(raw)["jobs"][0]["batch"] == id);

  auto closed = Complete(c, id);
  CHECK(closed["closed_at"].is_string());
  CHECK(closed["counts"]["total"] == 5);
  auto done = WaitForBatch(c, id);
  CHECK(done["status"] == "PARTIAL");
  CHECK(done["counts"] ==
        nlohmann::json{
            {"total", 5}, {"pending", 0}, {"processing", 0}, {"completed", 4}, {"failed", 1}});
  CHECK(done["version"].get<int>() > closed["version"].get<int>());
  CHECK(done["jobs"].size() == 5);
  CHECK(done["next"].is_null());
  auto statuses = JobStatuses(c, id);
  CHECK(statuses["COMPLETED"] == 4);
  CHECK(statuses["FAILED"] == 1);

  // A terminal batch answers a long-poll at once and its event stream ends.
  auto again = JsonBody(
      c.Get("/api/batches/" + id + "?wait=30&since=" + std::to_string(done["version"].get<int>())));
  CHECK(again["version"] == done["version"]);
  auto sse = c.Get("/api/batches/" + id + "/events");
  REQUIRE(sse);
  CHECK(sse->status == 200);
  CHECK(sse->body.find("event: status") != std::string::npos);
  CHECK(sse->body.find("\"PARTIAL\"") != std::string::npos);

  // Listing shows it; a second page needs the cursor.
  CreateBatch(c);
  auto list = JsonBody(c.Get("/api/batches?limit=1"));
  REQUIRE(list["batches"].size() == 1);
  REQUIRE(list["next"].is_string());
  auto second = JsonBody(c.Get("/api/batches?limit=1&cursor=" + list["next"].get<std::string>()));
  REQUIRE(second["batches"].size() == 1);
  CHECK(second["batches"][0]["id"] == id);
  auto partial = JsonBody(c.Get("/api/batches?status=PARTIAL"));
  REQUIRE(partial["batches"].size() == 1);
  CHECK(partial["batches"][0]["id"] == id);
}

TEST_CASE(
    "batches: unknown batch 404, closed batch 409 batch_closed, an empty closed one is "
    "COMPLETED") {
  // The callback URL below must be allowed (see webhooks/webhook_test.cpp).
  ServerProcess server({"--webhook-allow", "http://127.0.0.1:9/"});
  auto c = server.Client();
  auto unknown = UploadInto(c, "AAAAAAAAAAAAAAAAAAAAAA", {{"a.png", MakePng(40, 40)}});
  REQUIRE(unknown);
  CHECK(unknown->status == 404);
  CHECK(JsonBody(unknown)["error"]["code"] == "not_found");
  CHECK(c.Get("/api/batches/AAAAAAAAAAAAAAAAAAAAAA")->status == 404);
  CHECK(c.Post("/api/batches/AAAAAAAAAAAAAAAAAAAAAA/complete", "", "application/json")->status ==
        404);

  const std::string id = CreateBatch(c);
  auto closed = Complete(c, id);
  CHECK(closed["status"] == "COMPLETED");
  CHECK(closed["counts"]["total"] == 0);
  // Closing again changes nothing.
  CHECK(Complete(c, id)["version"] == closed["version"]);
  for (bool raw : {false, true}) {
    auto r = raw ? c.Post("/api/uploads?filename=a.png&batch=" + id, MakePng(40, 40),
                          "application/octet-stream")
                 : UploadInto(c, id, {{"a.png", MakePng(40, 40)}});
    REQUIRE(r);
    CHECK(r->status == 409);
    CHECK(JsonBody(r)["error"]["code"] == "batch_closed");
  }
  CHECK(JsonBody(c.Get("/api/jobs"))["jobs"].empty());

  // Bad bodies.
  CHECK(PostJson(c, "/api/batches", {{"metadata", std::string(5000, 'x')}})->status == 400);
  CHECK(PostJson(c, "/api/batches", {{"metadata", {{"k", std::string(5000, 'x')}}}})->status ==
        400);
  CHECK(PostJson(c, "/api/batches", {{"callback_url", "ftp://x"}})->status == 400);
  CHECK(c.Post("/api/batches", "[1,2]", "application/json")->status == 400);
  auto with_url = JsonBody(PostJson(c, "/api/batches", {{"callback_url", "http://127.0.0.1:9/"}}));
  CHECK(with_url["batch"]["callback_url"] == "http://127.0.0.1:9/");
}

TEST_CASE("batches: --batch-ttl closes a batch that was never completed") {
  ServerProcess server({"--batch-ttl", "1s"});
  auto c = server.Client();
  const std::string id = CreateBatch(c);
  auto up = UploadInto(c, id, {{"a.png", MakePng(64, 48)}});
  REQUIRE(up);
  REQUIRE(up->status == 202);
  auto done = WaitForBatch(c, id, 30);
  CHECK(done["status"] == "COMPLETED");
  CHECK(done["closed_at"].is_string());
  CHECK(done["counts"]["completed"] == 1);
}

TEST_CASE("batches: DELETE removes every image of the batch, originals and variants") {
  ServerProcess server;
  auto c = server.Client();
  const std::string id = CreateBatch(c);
  auto up = JsonBody(UploadInto(c, id, {{"a.png", MakePng(64, 48)}, {"b.jpg", MakeJpeg(80, 60)}}));
  REQUIRE(up["jobs"].size() == 2);
  Complete(c, id);
  WaitForBatch(c, id);
  auto other = JsonBody(UploadFiles(c, {{"keep.png", MakePng(30, 30)}}));
  const std::string kept = other["jobs"][0]["id"];
  auto del = c.Delete("/api/batches/" + id);
  REQUIRE(del);
  CHECK(del->status == 204);
  CHECK(c.Get("/api/batches/" + id)->status == 404);
  CHECK(c.Delete("/api/batches/" + id)->status == 404);
  for (const auto& j : up["jobs"]) {
    const std::string job = j["id"];
    CHECK(c.Get("/api/jobs/" + job)->status == 404);
    CHECK(c.Get("/o/" + job)->status == 404);
    CHECK(c.Get("/v/" + job + "/thumb.webp")->status == 404);
    for (const auto& e : std::filesystem::recursive_directory_iterator(server.data_dir())) {
      CHECK(e.path().string().find(job) == std::string::npos);
    }
  }
  CHECK(c.Get("/api/jobs/" + kept)->status == 200);
}

TEST_CASE("batches: after kill -9 cycles the counts equal what the jobs say") {
  TempDir dir;
  const std::string data = dir.Join("data");
  const std::vector<std::string> args = {"--workers", "2", "--max-attempts", "1000"};
  std::mt19937 rng(std::random_device{}());
  const uint32_t seed = rng();
  INFO("seed " << seed);
  rng.seed(seed);
  std::string id;
  {
    ServerProcess server(args, data);
    auto c = server.Client();
    id = CreateBatch(c);
    std::vector<std::pair<std::string, std::string>> files;
    for (int i = 0; i < 10; ++i) {
      files.push_back({"p" + std::to_string(i) + ".jpg",
                       i == 3 ? MakeJpeg(640, 480).substr(0, 700) : MakeJpeg(800 + 37 * i, 600)});
    }
    REQUIRE(JsonBody(UploadInto(c, id, files))["jobs"].size() == 10);
    Complete(c, id);
    for (int cycle = 0; cycle < 6; ++cycle) {
      if (cycle > 0) server.Start();
      std::this_thread::sleep_for(std::chrono::milliseconds(100 + rng() % 500));
      server.Kill(SIGKILL);
      // Nothing runs now: the stored counts must equal the jobs' statuses.
      SQLite::Database db(data + "/jobs.db", SQLite::OPEN_READWRITE);
      SQLite::Statement counts(db,
                               "SELECT total, pending, processing, completed, failed FROM batches "
                               "WHERE id = ?");
      counts.bind(1, id);
      REQUIRE(counts.executeStep());
      SQLite::Statement jobs(
          db,
          "SELECT COUNT(*), SUM(status = 'PENDING'), SUM(status = 'PROCESSING'), "
          "SUM(status = 'COMPLETED'), SUM(status = 'FAILED') FROM jobs WHERE "
          "batch_id = ?");
      jobs.bind(1, id);
      REQUIRE(jobs.executeStep());
      INFO("cycle " << cycle);
      for (int col = 0; col < 5; ++col) {
        CHECK(counts.getColumn(col).getInt64() == jobs.getColumn(col).getInt64());
      }
    }
  }
  ServerProcess server(args, data);
  auto c = server.Client();
  auto done = WaitForBatch(c, id, 120);
  CHECK(done["status"] == "PARTIAL");
  CHECK(done["counts"]["total"] == 10);
  CHECK(done["counts"]["completed"] == 9);
  CHECK(done["counts"]["failed"] == 1);
  auto statuses = JobStatuses(c, id);
  CHECK(statuses["COMPLETED"] == 9);
  CHECK(statuses["FAILED"] == 1);
}
