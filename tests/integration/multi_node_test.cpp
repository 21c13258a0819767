// Several edgepix nodes (real processes on loopback ports) sharing one
// PostgreSQL the test starts and one data directory: uploads spread over the
// nodes, long-polls held on a node that never processes (so only a change
// notification from another node can answer them), a node killed with
// SIGKILL while it holds job leases (its jobs finish on another node once the
// lease expires), and a database restart under running nodes (they
// reconnect; every acknowledged upload completes). Skipped when PostgreSQL
// is not installed.
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "integration/server_harness.h"
#include "unit/support/pg_cluster.h"

using namespace edgepix::testing;
using namespace std::chrono_literals;

namespace {

// Long-polls `id` on `node` until terminal. Each answer must carry a new
// version: the API node never processes and re-reads the database only on a
// NOTIFY (--jobs-recheck-seconds is an hour), so an answer that merely timed
// out means a change on another node did not wake this one.
nlohmann::json LongPollUntilTerminal(ServerProcess& node, const std::string& id) {
  auto c = node.Client();
  int64_t since = 1;
  for (int polls = 0; polls < 20; ++polls) {
    auto r = c.Get("/api/jobs/" + id + "?wait=25&since=" + std::to_string(since));
    auto job = JsonBody(r);
    REQUIRE(r->status == 200);
    const std::string status = job["status"];
    if (status == "COMPLETED" || status == "FAILED") return job;
    INFO("job " << id << " on the API node: " << job.dump());
    REQUIRE(job["version"].get<int64_t>() != since);
    since = job["version"].get<int64_t>();
  }
  FAIL("job " << id << " never became terminal");
  return {};
}

// Uploads one file to `node`, retrying a refused upload (the database was
// restarting) for up to 30 s; returns the job id of the 202.
std::string UploadOne(ServerProcess& node, const std::string& name, const std::string& bytes) {
  auto c = node.Client();
  auto deadline = std::chrono::steady_clock::now() + 30s;
  while (true) {
    auto r = UploadFiles(c, {{name, bytes}});
    if (r && r->status == 202) return JsonBody(r)["jobs"][0]["id"];
    INFO("upload to port " << node.port() << ": " << (r ? r->body : "no answer"));
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(200ms);
  }
}

}  // namespace

TEST_CASE("Three nodes on one PostgreSQL share the queue, long-polls and crash recovery",
          "[multinode][pg]") {
  if (const std::string why = PgCluster::Unavailable(); !why.empty()) EDGEPIX_SKIP(why);
  PgCluster pg;  // declared first: outlives the nodes
  const std::string url = pg.CreateDatabase();
  const std::string database = "edgepix_test_1";
  TempDir shared;
  const std::string data = shared.Join("data");
  // Each processed image takes a moment (a large variant at WebP's slowest
  // method), so a node is caught holding a lease.
  const std::vector<std::string> common = {"--jobs-url",
                                           url,
                                           "--lease-seconds",
                                           "2",
                                           "--jobs-recheck-seconds",
                                           "3600",
                                           "--webp-method",
                                           "6",
                                           "--variant",
                                           "big:1600x1600:inside:100"};
  auto args = [&](const std::string& node, const std::string& workers) {
    std::vector<std::string> a = common;
    a.insert(a.end(), {"--node-id", node, "--workers", workers});
    return a;
  };
  ServerProcess api(args("api", "0"), data);
  ServerProcess b(args("node-b", "1"), data);
  ServerProcess c(args("node-c", "1"), data);
  ServerProcess* uploads_to[] = {&api, &b, &c};

  // Uploads spread over the nodes; each is watched on the API node.
  std::vector<std::string> ids;
  for (int i = 0; i < 6; ++i) {
    ids.push_back(UploadOne(*uploads_to[i % 3], "small.jpg", MakeJpeg(120 + i, 90)));
  }
  for (const std::string& id : ids) {
    auto job = LongPollUntilTerminal(api, id);
    CHECK(job["status"] == "COMPLETED");
    // Any node serves what another made.
    auto got = c.Client().Get("/v/" + id + "/big.webp");
    REQUIRE(got);
    CHECK(got->status == 200);
    CHECK(WebpSize(got->body).first > 0);
  }

  // A batch spread over the nodes: created on one, filled on two others (one
  // upload through a grant made on the first), completed on the third; its
  // counts are right wherever they are read.
  {
    auto ac = api.Client(), bc = b.Client(), cc = c.Client();
    auto created = ac.Post("/api/batches", "{}", "application/json");
    REQUIRE(created);
    REQUIRE(created->status == 201);
    const std::string batch = JsonBody(created)["batch"]["id"];
    auto into =
        bc.Post("/api/uploads?filename=in.jpg&batch=" + batch, MakeJpeg(131, 97), "image/jpeg");
    REQUIRE(into);
    CHECK(into->status == 202);
    auto grant =
        ac.Post("/api/upload-grants", nlohmann::json{{"batch", batch}}.dump(), "application/json");
    REQUIRE(grant);
    REQUIRE(grant->status == 201);
    const std::string grant_url = JsonBody(grant)["grants"][0]["url"];
    auto granted = cc.Post(grant_url + "&filename=g.jpg", MakeJpeg(133, 99), "image/jpeg");
    REQUIRE(granted);
    CHECK(granted->status == 202);
    auto again = bc.Post(grant_url + "&filename=g2.jpg", MakeJpeg(135, 99), "image/jpeg");
    REQUIRE(again);
    CHECK(again->status == 403);  // a grant is good for one upload, on any node
    auto done = api.Client().Post("/api/batches/" + batch + "/complete", "", "application/json");
    REQUIRE(done);
    REQUIRE(done->status == 200);
    nlohmann::json status;
    for (int polls = 0; polls < 10; ++polls) {
      status = JsonBody(cc.Get("/api/batches/" + batch + "?wait=25"));
      if (status["status"] != "PROCESSING" && status["status"] != "OPEN") break;
    }
    INFO(status.dump());
    CHECK(status["status"] == "COMPLETED");
    CHECK(status["counts"]["completed"] == 2);
    CHECK(status["counts"]["total"] == 2);
    // No webhook outbox on PostgreSQL yet: a callback nobody would send is refused.
    auto callback = ac.Post("/api/batches", R"({"callback_url":"http://127.0.0.1:9/hook"})",
                            "application/json");
    REQUIRE(callback);
    CHECK(callback->status == 422);
    CHECK(JsonBody(callback)["error"]["code"] == "callback_not_allowed");
  }

  // A node killed while it holds a lease: its job completes on the other.
  for (int round = 0; round < 2; ++round) {
    std::vector<std::string> round_ids;
    for (int i = 0; i < 3; ++i) {
      // Distinct bytes: identical ones would be served from the first (dedup).
      round_ids.push_back(UploadOne(api, "big.jpg", MakeJpeg(1600 - 8 * (round * 3 + i), 1200)));
    }
    bool held = false;
    for (int i = 0; i < 1500 && !held; ++i) {
      held = pg.Query(
                 "SELECT count(*) FROM jobs WHERE status = 'PROCESSING' AND "
                 "leased_by = 'node-b'",
                 database) != "0";
      if (!held) std::this_thread::sleep_for(20ms);
    }
    REQUIRE(held);
    b.Kill(SIGKILL);
    for (const std::string& id : round_ids) {
      auto job = LongPollUntilTerminal(api, id);
      INFO(job.dump());
      CHECK(job["status"] == "COMPLETED");
    }
    b.Start();  // same node id: its own leftovers (none now) would be requeued at once
  }
  // At least one job was taken over after its node died: claimed twice.
  CHECK(pg.Query("SELECT count(*) FROM jobs WHERE attempts >= 2", database) != "0");
  CHECK(pg.Query("SELECT count(*) FROM jobs WHERE status != 'COMPLETED'", database) == "0");

  // The database restarts under the running nodes: they reconnect, and the
  // API node's listener too (its long-polls still wake).
  pg.Stop();
  pg.Start();
  std::vector<std::string> after;
  for (int i = 0; i < 3; ++i) after.push_back(UploadOne(api, "after.jpg", MakeJpeg(200 + i, 150)));
  for (const std::string& id : after)
    CHECK(LongPollUntilTerminal(api, id)["status"] == "COMPLETED");
}
