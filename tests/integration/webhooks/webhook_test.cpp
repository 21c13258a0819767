// Completion webhooks against the real binary (issue 12, part 2), with a real
// receiver (receiver.py) that checks every signature with Python's hmac and
// base64: a 503 x3 then 200 is delivered under one webhook-id with its
// attempts recorded; a receiver down for the whole (short) schedule leaves the
// delivery dead, and retry delivers it once the receiver is back; a batch of 5
// with one undecodable file sends 4 job.completed, 1 job.failed and exactly one
// batch.completed (PARTIAL 4/1) to its callback_url, signed with the secret
// `edgepix webhook-secret` prints; a callback_url outside --webhook-allow is
// 422; and after kill -9 cycles while jobs complete, every acknowledged
// upload's event has been delivered at least once. The first four run on
// both job stores: the embedded SQLite and a private PostgreSQL (its outbox,
// webhooks/pg_outbox.h; skipped when PostgreSQL is not installed).
#include <signal.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>

#include "integration/server_harness.h"
#include "integration/webhooks/deliveries.h"
#include "integration/webhooks/webhook_receiver.h"
#include "unit/support/pg_cluster.h"

using namespace edgepix::testing;

namespace {

const char* const kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

httplib::Result PostJson(httplib::Client& c, const std::string& path, const nlohmann::json& body) {
  return c.Post(path, body.dump(), "application/json");
}

size_t Count(const std::vector<nlohmann::json>& requests, const std::string& key,
             const nlohmann::json& value) {
  size_t n = 0;
  for (const auto& r : requests) n += r[key] == value ? 1 : 0;
  return n;
}

// The job store a test's server runs on, as a type for TEMPLATE_TEST_CASE:
// Unavailable() prepares it ("" or why not, for EDGEPIX_SKIP), With(args)
// adds its flags. Declare it before the servers (it outlives them).
struct SqliteJobs {
  std::string Unavailable() { return ""; }
  std::vector<std::string> With(std::vector<std::string> args) { return args; }
};

struct PgJobs {
  std::string Unavailable() {
    std::string why = PgCluster::Unavailable();
    if (!why.empty()) return why;
    cluster = std::make_unique<PgCluster>();
    url = cluster->CreateDatabase();
    return "";
  }
  std::vector<std::string> With(std::vector<std::string> args) {
    args.insert(args.end(), {"--jobs-url", url});
    return args;
  }
  std::unique_ptr<PgCluster> cluster;
  std::string url;
};

#define EDGEPIX_JOBS_FIXTURE(fx)                                \
  TestType fx;                                                  \
  if (const std::string why = fx.Unavailable(); !why.empty()) { \
    EDGEPIX_SKIP(why);                                          \
  }

std::string RunCaptured(const std::string& command) {
  std::string out;
  FILE* p = popen(command.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[256];
  while (fgets(buf, sizeof buf, p) != nullptr) out += buf;
  REQUIRE(pclose(p) == 0);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

}  // namespace

TEMPLATE_TEST_CASE("webhooks: 503 three times then 200 is delivered once, same webhook-id, signed",
                   "[webhooks]", SqliteJobs, PgJobs) {
  EDGEPIX_JOBS_FIXTURE(jobs);
  WebhookReceiver receiver(kSecret, {.fail = 3});
  ServerProcess server(jobs.With({"--webhook", receiver.url(), "--webhook-secret", kSecret,
                                  "--webhook-retry-schedule", "1s,1s,1s,1s"}));
  auto c = server.Client();
  auto up = JsonBody(UploadFiles(c, {{"a.jpg", MakeJpeg(320, 240)}}));
  const std::string job = up["jobs"][0]["id"];
  CHECK(WaitForTerminal(c, job)["status"] == "COMPLETED");

  auto got = receiver.WaitFor([](const auto& r) { return Count(r, "answered", 200) >= 1; }, 60);
  REQUIRE(got.size() == 4);
  for (size_t i = 0; i < got.size(); ++i) {
    INFO("request " << i);
    CHECK(got[i]["signature_ok"] == true);
    CHECK(got[i]["id"] == got[0]["id"]);
    CHECK(got[i]["type"] == "job.completed");
    CHECK(got[i]["subject"] == job);
    CHECK(got[i]["answered"] == (i < 3 ? 503 : 200));
    CHECK(got[i]["body"]["data"]["status"] == "COMPLETED");
  }
  auto delivered = WaitForDeliveries(c, "delivered", 1, 10);
  REQUIRE(delivered.size() == 1);
  CHECK(delivered[0]["id"] == got[0]["id"]);
  CHECK(delivered[0]["attempts"] == 4);
  CHECK(delivered[0]["last_status"] == 200);
  CHECK(delivered[0]["subject_id"] == job);
  CHECK(delivered[0]["endpoint"] == receiver.url());
  CHECK_FALSE(delivered[0]["delivered_at"].is_null());
  CHECK(Deliveries(c, "pending").empty());
  auto metrics = c.Get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->body.find("edgepix_webhook_deliveries_total{outcome=\"delivered\"} 1") !=
        std::string::npos);
  CHECK(metrics->body.find("edgepix_webhook_deliveries_total{outcome=\"retry\"} 3") !=
        std::string::npos);
  CHECK(c.Get("/api/webhooks/deliveries?status=nope")->status == 400);
}

TEMPLATE_TEST_CASE(
    "webhooks: a receiver down for the whole schedule -> dead, and retry delivers it", "[webhooks]",
    SqliteJobs, PgJobs) {
  EDGEPIX_JOBS_FIXTURE(jobs);
  WebhookReceiver receiver(kSecret);
  receiver.Stop();  // its port is known and now refuses connections
  ServerProcess server(jobs.With({"--webhook", receiver.url(), "--webhook-secret", kSecret,
                                  "--webhook-retry-schedule", "1s,1s"}));
  auto c = server.Client();
  auto up = JsonBody(UploadFiles(c, {{"a.png", MakePng(200, 100)}}));
  const std::string job = up["jobs"][0]["id"];
  auto dead = WaitForDeliveries(c, "dead", 1, 60);
  REQUIRE(dead.size() == 1);
  CHECK(dead[0]["attempts"] == 3);
  CHECK(dead[0]["last_status"].is_null());
  CHECK_FALSE(dead[0]["last_error"].get<std::string>().empty());
  CHECK(dead[0]["subject_id"] == job);
  CHECK(receiver.Requests().empty());

  receiver.Start();
  const std::string id = dead[0]["id"];
  auto r = c.Post("/api/webhooks/deliveries/" + id + "/retry", "", "application/json");
  REQUIRE(r);
  CHECK(r->status == 202);
  auto got = receiver.WaitFor([](const auto& q) { return !q.empty(); }, 30);
  REQUIRE(got.size() == 1);
  CHECK(got[0]["id"] == id);
  CHECK(got[0]["signature_ok"] == true);
  CHECK(got[0]["type"] == "job.completed");
  auto delivered = WaitForDeliveries(c, "delivered", 1, 10);
  REQUIRE(delivered.size() == 1);
  CHECK(delivered[0]["attempts"] == 4);
  CHECK(Deliveries(c, "dead").empty());
  auto unknown =
      c.Post("/api/webhooks/deliveries/msg_0123456789abcdef/retry", "", "application/json");
  REQUIRE(unknown);
  CHECK(unknown->status == 404);
}

TEMPLATE_TEST_CASE("webhooks: a batch of 5 with one undecodable sends exactly one batch.completed",
                   "[webhooks]", SqliteJobs, PgJobs) {
  EDGEPIX_JOBS_FIXTURE(jobs);
  TempDir dir;
  const std::string data = dir.Join("data");
  // The secret the server generates on first use, as an app would read it.
  const std::string secret = RunCaptured(EdgepixShellCommand() + " webhook-secret --data " + data);
  REQUIRE(secret.rfind("whsec_", 0) == 0);
  WebhookReceiver receiver(secret);
  ServerProcess server(jobs.With({"--workers", "2", "--webhook-allow", receiver.url("/")}), data);
  auto c = server.Client();
  auto created = PostJson(c, "/api/batches", {{"callback_url", receiver.url("/cb")}});
  REQUIRE(created);
  REQUIRE(created->status == 201);
  const std::string batch = JsonBody(created)["batch"]["id"];
  httplib::MultipartFormDataItems items;
  int i = 0;
  for (const std::string& bytes :
       {MakeJpeg(320, 240), MakePng(300, 200), MakeJpeg(640, 480).substr(0, 700),
        MakeWebp(200, 150), MakeGif(120, 90)}) {
    items.push_back({"file", bytes, "f" + std::to_string(i++), "application/octet-stream"});
  }
  auto up = c.Post("/api/uploads?batch=" + batch, items);
  REQUIRE(up);
  REQUIRE(up->status == 202);
  REQUIRE(c.Post("/api/batches/" + batch + "/complete", "", "application/json")->status == 200);

  auto got = receiver.WaitFor(
      [](const auto& r) { return Count(r, "type", "batch.completed") >= 1 && r.size() >= 6; }, 120);
  // Everything is sent at once; wait until nothing is pending, then count.
  for (int k = 0; k < 100 && !Deliveries(c, "pending").empty(); ++k) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  got = receiver.Requests();
  REQUIRE(got.size() == 6);
  for (const auto& r : got) CHECK(r["signature_ok"] == true);
  CHECK(Count(got, "type", "job.completed") == 4);
  CHECK(Count(got, "type", "job.failed") == 1);
  REQUIRE(Count(got, "type", "batch.completed") == 1);
  for (const auto& r : got) {
    if (r["type"] != "batch.completed") continue;
    CHECK(r["subject"] == batch);
    CHECK(r["body"]["data"]["status"] == "PARTIAL");
    CHECK(r["body"]["data"]["counts"]["completed"] == 4);
    CHECK(r["body"]["data"]["counts"]["failed"] == 1);
    CHECK(r["body"]["data"]["counts"]["total"] == 5);
  }
  std::set<std::string> ids;
  for (const auto& r : got) ids.insert(r["id"].template get<std::string>());
  CHECK(ids.size() == 6);
}

TEMPLATE_TEST_CASE("webhooks: 410 Gone makes the delivery dead and disables the endpoint",
                   "[webhooks]", SqliteJobs, PgJobs) {
  EDGEPIX_JOBS_FIXTURE(jobs);
  WebhookReceiver receiver(kSecret, {.fail = 1000, .fail_status = 410});
  ServerProcess server(jobs.With({"--webhook", receiver.url(), "--webhook-secret", kSecret,
                                  "--webhook-retry-schedule", "1s"}));
  auto c = server.Client();
  auto first = JsonBody(UploadFiles(c, {{"a.png", MakePng(64, 48)}}));
  WaitForTerminal(c, first["jobs"][0]["id"]);
  REQUIRE(WaitForDeliveries(c, "dead", 1, 30).size() == 1);
  auto second = JsonBody(UploadFiles(c, {{"b.png", MakePng(48, 64)}}));
  WaitForTerminal(c, second["jobs"][0]["id"]);
  auto dead = WaitForDeliveries(c, "dead", 2, 30);
  REQUIRE(dead.size() == 2);
  CHECK(dead[0]["last_error"].get<std::string>().find("410") != std::string::npos);
  CHECK(dead[1]["last_status"] == 410);
  // Only the first was sent: the endpoint is disabled until restart.
  CHECK(receiver.Requests().size() == 1);
}

TEST_CASE("webhooks: a callback_url outside --webhook-allow is 422 callback_not_allowed") {
  {
    ServerProcess server({"--webhook-allow", "http://127.0.0.1:1/ok/"});
    auto c = server.Client();
    auto refused = PostJson(c, "/api/batches", {{"callback_url", "http://127.0.0.1:1/other"}});
    REQUIRE(refused);
    CHECK(refused->status == 422);
    CHECK(JsonBody(refused)["error"]["code"] == "callback_not_allowed");
    auto allowed = PostJson(c, "/api/batches", {{"callback_url", "http://127.0.0.1:1/ok/x"}});
    REQUIRE(allowed);
    CHECK(allowed->status == 201);
    CHECK(PostJson(c, "/api/batches", nlohmann::json::object())->status == 201);
  }
  // Without --webhook or --webhook-allow no callback is allowed.
  ServerProcess server;
  auto c = server.Client();
  auto refused = PostJson(c, "/api/batches", {{"callback_url", "http://127.0.0.1:1/ok/x"}});
  REQUIRE(refused);
  CHECK(refused->status == 422);
}

TEST_CASE("webhooks: kill -9 while jobs complete loses no event of an acknowledged upload") {
  WebhookReceiver receiver(kSecret);
  TempDir dir;
  const std::string data = dir.Join("data");
  const std::vector<std::string> args = {
      "--workers",        "2",     "--max-attempts",           "1000", "--webhook", receiver.url(),
      "--webhook-secret", kSecret, "--webhook-retry-schedule", "1s"};
  // EDGEPIX_CRASH_SEED=N replays the kill moments (as for the crash test).
  const char* env_seed = std::getenv("EDGEPIX_CRASH_SEED");
  const uint32_t seed = env_seed && *env_seed
                            ? static_cast<uint32_t>(std::strtoul(env_seed, nullptr, 10))
                            : static_cast<uint32_t>(std::random_device{}());
  std::mt19937 rng(seed);
  INFO("seed " << seed);
  std::printf("webhook kill -9 test: seed %u\n", seed);
  std::set<std::string> acknowledged;
  {
    ServerProcess server(args, data);
    for (int cycle = 0; cycle < 10; ++cycle) {
      if (cycle > 0) server.Start();
      auto c = server.Client();
      std::vector<std::pair<std::string, std::string>> files;
      for (int k = 0; k < 3; ++k) {
        files.push_back({"c" + std::to_string(cycle) + "-" + std::to_string(k) + ".jpg",
                         MakeJpeg(400 + 31 * k + 7 * cycle, 300)});
      }
      auto r = UploadFiles(c, files);
      INFO("cycle " << cycle << ": " << (r ? r->status : -1) << " " << (r ? r->body : ""));
      CHECK((r && r->status == 202));
      if (r && r->status == 202) {
        const nlohmann::json body = JsonBody(r);
        for (const auto& j : body["jobs"]) acknowledged.insert(j["id"].get<std::string>());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50 + rng() % 400));
      server.Kill(SIGKILL);
    }
  }
  REQUIRE(acknowledged.size() == 30);
  ServerProcess server(args, data);
  auto c = server.Client();
  for (const std::string& id : acknowledged) WaitForTerminal(c, id, 120);
  auto delivered_all = [&](const std::vector<nlohmann::json>& got) {
    std::set<std::string> seen;
    for (const auto& r : got) {
      if (r["answered"] == 200 && r["signature_ok"] == true)
        seen.insert(r["subject"].get<std::string>());
    }
    for (const std::string& id : acknowledged) {
      if (seen.count(id) == 0) return false;
    }
    return true;
  };
  auto got = receiver.WaitFor(delivered_all, 120);
  CHECK(delivered_all(got));
  for (const auto& r : got) CHECK(r["signature_ok"] == true);
  CHECK(Deliveries(c, "dead").empty());
}
