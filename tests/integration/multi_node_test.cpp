// Three edgepix nodes (real processes on loopback ports) sharing one
// PostgreSQL the test starts and one bucket on the harness's real Ceph RGW,
// as the "past one box" issue asks:
//  - uploads spread over the nodes, each long-polled on another node than
//    the one that took it (only a change notification from the database can
//    answer it early: --jobs-recheck-seconds is an hour);
//  - a batch spread over the nodes;
//  - kill -9 of a node while it holds a lease, 10 rounds: every acknowledged
//    upload is COMPLETED by the others within the lease plus one retry;
//  - a node stopped (SIGSTOP) past its lease and resumed (SIGCONT): the job
//    another node reclaimed and finished stays as that node wrote it;
//  - a database restart under the running nodes: they reconnect, nothing
//    acknowledged is lost;
//  - every job's variants are byte for byte those a lone SQLite node on its
//    own disk makes of the same upload (no variant written twice with
//    different bytes);
//  - an orphan sweep (a node started with --blobs-grace-seconds) leaves
//    exactly the live objects in the bucket, and keeps an orphan younger than
//    the grace.
// Skipped when PostgreSQL or Ceph RGW is not installed (never passed then).
#include <signal.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "integration/ceph_rgw.h"
#include "integration/server_harness.h"
#include "storage/s3_client.h"
#include "storage/s3_xml.h"
#include "unit/support/pg_cluster.h"

using namespace edgepix::testing;
using namespace std::chrono_literals;
using edgepix::S3BlobConfig;
using edgepix::s3client::S3Client;
using edgepix::s3client::S3Request;

namespace {

using Clock = std::chrono::steady_clock;

constexpr int kLeaseSeconds = 2;
constexpr int kKillRounds = 10;
const char* const kVariant = "big";

// Long-polls `id` on `node` until terminal. Each answer must carry a new
// version: re-reads happen only on a NOTIFY, so an answer that merely timed
// out means a change on another node did not wake this one.
nlohmann::json LongPollUntilTerminal(ServerProcess& node, const std::string& id) {
  auto c = node.Client();
  c.set_read_timeout(40, 0);
  int64_t since = 1;
  for (int polls = 0; polls < 20; ++polls) {
    auto r = c.Get("/api/jobs/" + id + "?wait=25&since=" + std::to_string(since));
    REQUIRE(r);
    auto job = JsonBody(r);
    REQUIRE(r->status == 200);
    const std::string status = job["status"];
    if (status == "COMPLETED" || status == "FAILED") return job;
    INFO("job " << id << " on port " << node.port() << ": " << job.dump());
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
  auto deadline = Clock::now() + 30s;
  while (true) {
    auto r = UploadFiles(c, {{name, bytes}});
    if (r && r->status == 202) return JsonBody(r)["jobs"][0]["id"];
    INFO("upload to port " << node.port() << ": " << (r ? r->body : "no answer"));
    REQUIRE(Clock::now() < deadline);
    std::this_thread::sleep_for(200ms);
  }
}

// Every key in the bucket, page by page, and unfinished multipart uploads as
// "upload:KEY".
std::set<std::string> ListBucket(S3Client& client) {
  std::set<std::string> out;
  std::string token;
  while (true) {
    S3Request list;
    list.query = {{"list-type", "2"}};
    if (!token.empty()) list.query.emplace_back("continuation-token", token);
    auto answer = client.Send(list);
    REQUIRE(answer.ok());
    REQUIRE(answer->status == 200);
    for (auto block : edgepix::s3xml::Blocks(answer->body, "Contents")) {
      out.insert(edgepix::s3xml::Value(block, "Key").value_or("?"));
    }
    if (edgepix::s3xml::Value(answer->body, "IsTruncated").value_or("false") != "true") break;
    token = edgepix::s3xml::Value(answer->body, "NextContinuationToken").value_or("");
    if (token.empty()) break;
  }
  S3Request uploads;
  uploads.query = {{"uploads", ""}};
  auto answer = client.Send(uploads);
  REQUIRE(answer.ok());
  for (auto block : edgepix::s3xml::Blocks(answer->body, "Upload")) {
    out.insert("upload:" + edgepix::s3xml::Value(block, "Key").value_or("?"));
  }
  return out;
}

std::string Get(ServerProcess& node, const std::string& path) {
  auto r = node.Client().Get(path);
  REQUIRE(r);
  INFO(path << " on port " << node.port());
  REQUIRE(r->status == 200);
  return r->body;
}

std::string ReadLog(const std::string& path) { return ReadFileOrDie(path); }

}  // namespace

TEST_CASE(
    "Three nodes on one PostgreSQL and one Ceph RGW bucket: spread, kill -9, SIGSTOP, "
    "database restart, identical variants, no orphans",
    "[multinode][pg][s3]") {
  if (const std::string why = PgCluster::Unavailable(); !why.empty()) EDGEPIX_SKIP(why);
  EDGEPIX_REQUIRE_CEPH_RGW(rgw);
  const auto test_start = Clock::now();
  PgCluster pg;  // declared first: outlives the nodes
  const std::string url = pg.CreateDatabase();
  const std::string database = PgCluster::DatabaseOf(url);

  auto made = CreateRgwBucket(rgw, "edgepix-multi-");
  INFO(made.status().ToString());
  REQUIRE(made.ok());
  const S3BlobConfig config = *made;
  S3Client bucket(config);
  TempDir shared;
  WriteFileOrDie(shared.Join("blobs.keys"), rgw.access_key() + " " + rgw.secret_key() + "\n");
  const std::string blobs_url =
      "s3://" + config.bucket + "/mn?endpoint=" + rgw.endpoint() + "&region=" + rgw.region();

  // What decides the variants' bytes; the same for the lone reference node.
  const std::vector<std::string> pipeline = {"--webp-method", "6", "--variant",
                                             std::string(kVariant) + ":1600x1600:inside:100"};
  auto node_args = [&](const std::string& node_id, const std::string& grace) {
    std::vector<std::string> a = {"--jobs-url",
                                  url,
                                  "--blobs-url",
                                  blobs_url,
                                  "--blobs-credentials-file",
                                  shared.Join("blobs.keys"),
                                  "--blobs-grace-seconds",
                                  grace,
                                  "--lease-seconds",
                                  std::to_string(kLeaseSeconds),
                                  "--jobs-recheck-seconds",
                                  "3600",
                                  "--node-id",
                                  node_id,
                                  "--workers",
                                  "1"};
    a.insert(a.end(), pipeline.begin(), pipeline.end());
    return a;
  };
  // One data directory for the nodes' keys (upload grants made on one node
  // are good on another); the jobs are in the database, the blobs in the bucket.
  const std::string data = shared.Join("data");
  ServerProcess a(node_args("node-a", "3600"), data);
  ServerProcess b(node_args("node-b", "3600"), data);
  ServerProcess c(node_args("node-c", "3600"), data);
  ServerProcess* nodes[] = {&a, &b, &c};
  // The lone SQLite node on its own disk: the reference bytes of every upload.
  std::vector<std::string> ref_args = {"--workers", "1"};
  ref_args.insert(ref_args.end(), pipeline.begin(), pipeline.end());
  ServerProcess reference(ref_args);

  std::map<std::string, std::string> reference_of;  // cluster job id -> reference job id
  auto upload = [&](ServerProcess& node, const std::string& name, const std::string& bytes) {
    const std::string id = UploadOne(node, name, bytes);
    reference_of[id] = UploadOne(reference, name, bytes);
    return id;
  };
  // Distinct bytes for every upload: identical ones would be served from the
  // first (dedup). Photo-sized, so a node is caught holding a lease.
  int image_serial = 0;
  auto next_photo = [&] {
    ++image_serial;
    return MakeJpeg(1600 - 4 * image_serial, 1200);
  };

  {
    // 1. Uploads spread over the nodes, each long-polled on the next node.
    {
      std::vector<std::pair<std::string, int>> ids;
      for (int i = 0; i < 6; ++i) {
        ids.emplace_back(upload(*nodes[i % 3], "small.jpg", MakeJpeg(120 + i, 90)), i % 3);
      }
      for (const auto& [id, on] : ids) {
        auto job = LongPollUntilTerminal(*nodes[(on + 1) % 3], id);
        CHECK(job["status"] == "COMPLETED");
        // Any node serves what another made.
        CHECK(WebpSize(Get(*nodes[(on + 2) % 3], "/v/" + id + "/big.webp")).first > 0);
      }
    }

    // 2. A batch spread over the nodes: created on one, filled on two others
    // (one upload through a grant made on the first), completed on the
    // third; its counts are right wherever they are read.
    {
      auto ac = a.Client(), bc = b.Client(), cc = c.Client();
      auto created = ac.Post("/api/batches", "{}", "application/json");
      REQUIRE(created);
      REQUIRE(created->status == 201);
      const std::string batch = JsonBody(created)["batch"]["id"];
      auto into =
          bc.Post("/api/uploads?filename=in.jpg&batch=" + batch, MakeJpeg(131, 97), "image/jpeg");
      REQUIRE(into);
      CHECK(into->status == 202);
      auto grant = ac.Post("/api/upload-grants", nlohmann::json{{"batch", batch}}.dump(),
                           "application/json");
      REQUIRE(grant);
      REQUIRE(grant->status == 201);
      const std::string grant_url = JsonBody(grant)["grants"][0]["url"];
      auto granted = cc.Post(grant_url + "&filename=g.jpg", MakeJpeg(133, 99), "image/jpeg");
      REQUIRE(granted);
      CHECK(granted->status == 202);
      auto again = bc.Post(grant_url + "&filename=g2.jpg", MakeJpeg(135, 99), "image/jpeg");
      REQUIRE(again);
      CHECK(again->status == 403);  // a grant is good for one upload, on any node
      auto done = ac.Post("/api/batches/" + batch + "/complete", "", "application/json");
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
    }

    // 3. kill -9 of a node while it holds a lease, kKillRounds rounds. Each
    // round puts one photo on every node (uploaded to one node, long-polled
    // on another), kills b or c once it holds a lease, and times every job
    // of the round from the kill to COMPLETED: at most the lease, one
    // heartbeat, and the time to run the round's jobs again on the two
    // nodes left (measured below on an unloaded round), plus slack.
    double slowest_round_s = 0;
    {
      // One photo alone, to know what a run takes on this machine and build.
      const auto t0 = Clock::now();
      const std::string id = upload(a, "timing.jpg", next_photo());
      CHECK(LongPollUntilTerminal(b, id)["status"] == "COMPLETED");
      const double one_job_s = std::chrono::duration<double>(Clock::now() - t0).count();
      const double bound_s = kLeaseSeconds * 4.0 / 3 + 3 * one_job_s + 5;
      for (int round = 0; round < kKillRounds; ++round) {
        ServerProcess& victim = round % 2 == 0 ? b : c;
        const std::string victim_id = round % 2 == 0 ? "node-b" : "node-c";
        std::vector<std::pair<std::string, int>> round_ids;
        for (int i = 0; i < 3; ++i) {
          round_ids.emplace_back(upload(*nodes[(round + i) % 3], "big.jpg", next_photo()),
                                 (round + i) % 3);
        }
        bool held = false;
        for (int i = 0; i < 1500 && !held; ++i) {
          held = pg.Query(
                     "SELECT count(*) FROM jobs WHERE status = 'PROCESSING' AND "
                     "leased_by = '" +
                         victim_id + "'",
                     database) != "0";
          if (!held) std::this_thread::sleep_for(10ms);
        }
        REQUIRE(held);
        victim.Kill(SIGKILL);
        const auto killed_at = Clock::now();
        for (const auto& [id, on] : round_ids) {
          // Watched on a live node other than the one that took the upload.
          ServerProcess* watcher = nodes[(on + 1) % 3];
          if (watcher == &victim) watcher = nodes[(on + 2) % 3];
          auto job = LongPollUntilTerminal(*watcher, id);
          INFO("round " << round << ": " << job.dump());
          CHECK(job["status"] == "COMPLETED");
        }
        const double took = std::chrono::duration<double>(Clock::now() - killed_at).count();
        slowest_round_s = std::max(slowest_round_s, took);
        INFO("round " << round << " took " << took << " s after the kill; bound " << bound_s
                      << " s (one job alone: " << one_job_s << " s)");
        CHECK(took <= bound_s);
        // Back with the same node id: its own leftovers (none now: the others
        // reclaimed them) would be requeued at once.
        victim.Start();
      }
      // Jobs were taken over after their node died: claimed twice.
      CHECK(std::stoi(pg.Query("SELECT count(*) FROM jobs WHERE attempts >= 2", database)) >=
            kKillRounds);
    }
    WARN("slowest kill round: " << slowest_round_s << " s from kill -9 to all COMPLETED");

    // 4. A node stalled past its lease (SIGSTOP) and resumed: the job is
    // reclaimed and finished by another node; the stalled node's late writes
    // are refused, so the job stays as the other node wrote it.
    {
      std::vector<std::string> ids;
      for (int i = 0; i < 3; ++i) ids.push_back(upload(*nodes[i], "stall.jpg", next_photo()));
      std::string held;
      for (int i = 0; i < 1500 && held.empty(); ++i) {
        held = pg.Query(
            "SELECT id FROM jobs WHERE status = 'PROCESSING' AND leased_by = 'node-b' LIMIT 1",
            database);
        if (held.empty()) std::this_thread::sleep_for(10ms);
      }
      REQUIRE_FALSE(held.empty());
      REQUIRE(kill(b.pid(), SIGSTOP) == 0);
      auto job = LongPollUntilTerminal(c, held);
      CHECK(job["status"] == "COMPLETED");
      const std::string finished_by_version = std::to_string(job["version"].get<int64_t>());
      REQUIRE(kill(b.pid(), SIGCONT) == 0);
      // b's worker resumes and tries to publish or finish: refused.
      bool refused = false;
      for (int i = 0; i < 300 && !refused; ++i) {
        const std::string log = ReadLog(b.log_path());
        refused = log.find("job left to another run") != std::string::npos &&
                  log.find(held) != std::string::npos;
        if (!refused) std::this_thread::sleep_for(100ms);
      }
      CHECK(refused);
      auto after = JsonBody(a.Client().Get("/api/jobs/" + held));
      INFO(after.dump());
      CHECK(after["status"] == "COMPLETED");
      CHECK(std::to_string(after["version"].get<int64_t>()) == finished_by_version);
      for (const std::string& id : ids) {
        CHECK(LongPollUntilTerminal(a, id)["status"] == "COMPLETED");
      }
      // The reclaim is counted where it happened, the loss where it was found.
      const std::string metrics_b = Get(b, "/metrics");
      CHECK(metrics_b.find("edgepix_lease_reclaims_total{outcome=\"lost\"}") != std::string::npos);
      const std::string metrics_c = Get(c, "/metrics") + Get(a, "/metrics");
      CHECK(metrics_c.find("edgepix_lease_reclaims_total{outcome=\"requeued\"}") !=
            std::string::npos);
      CHECK(metrics_c.find(
                "edgepix_job_store_seconds_count{store=\"postgresql\",op=\"claim_next\"}") !=
            std::string::npos);
    }

    // 5. The database restarts under the running nodes, with jobs in flight:
    // they reconnect, every acknowledged upload completes.
    {
      std::vector<std::pair<std::string, int>> ids;
      for (int i = 0; i < 3; ++i)
        ids.emplace_back(upload(*nodes[i], "before.jpg", next_photo()), i);
      pg.Stop();
      pg.Start();
      for (int i = 0; i < 3; ++i) ids.emplace_back(upload(*nodes[i], "after.jpg", next_photo()), i);
      for (const auto& [id, on] : ids) {
        CHECK(LongPollUntilTerminal(*nodes[(on + 1) % 3], id)["status"] == "COMPLETED");
      }
    }
    CHECK(pg.Query("SELECT count(*) FROM jobs WHERE status != 'COMPLETED'", database) == "0");

    // 6. Byte for byte the lone SQLite node's variants, for every job.
    for (const auto& [id, ref_id] : reference_of) {
      auto ref_job = LongPollUntilTerminal(reference, ref_id);
      REQUIRE(ref_job["status"] == "COMPLETED");
      const std::string mine = Get(*nodes[id.back() % 3], "/v/" + id + "/big.webp");
      const std::string theirs = Get(reference, "/v/" + ref_id + "/big.webp");
      INFO("job " << id << " (reference " << ref_id << ")");
      CHECK(mine.size() == theirs.size());
      CHECK(mine == theirs);
    }

    // 7. Orphans: every node stopped, an orphan image put in the bucket now
    // (as an upload whose INSERT never committed), then one node started
    // with the default grace (it stays: it may be another node's upload in
    // flight), then with a grace of 0: exactly the live objects remain.
    for (ServerProcess* n : nodes) n->Stop();
    const std::string orphan = "mn/images/orphan0000000000000000000001/original";
    {
      S3Request put;
      put.method = "PUT";
      put.key = orphan;
      put.body = "not referenced";
      auto answer = bucket.Send(put);
      REQUIRE(answer.ok());
      REQUIRE(answer->status == 200);
    }
    b.Start();
    b.Stop();
    CHECK(ListBucket(bucket).count(orphan) == 1);
    ServerProcess sweeper(node_args("sweeper", "0"), data);
    std::set<std::string> live;
    const int jobs = std::stoi(pg.Query("SELECT count(*) FROM jobs", database));
    for (int i = 0; i < jobs; ++i) {
      const std::string id = pg.Query(
          "SELECT id FROM jobs ORDER BY id OFFSET " + std::to_string(i) + " LIMIT 1", database);
      live.insert("mn/images/" + id + "/original");
      live.insert("mn/images/" + id + "/" + kVariant + ".webp");
    }
    const std::set<std::string> listed = ListBucket(bucket);
    std::vector<std::string> extra, missing;
    std::set_difference(listed.begin(), listed.end(), live.begin(), live.end(),
                        std::back_inserter(extra));
    std::set_difference(live.begin(), live.end(), listed.begin(), listed.end(),
                        std::back_inserter(missing));
    INFO("objects no job references: " << extra.size()
                                       << ", first: " << (extra.empty() ? "" : extra[0]));
    CHECK(extra.empty());
    INFO("live objects missing: " << missing.size()
                                  << ", first: " << (missing.empty() ? "" : missing[0]));
    CHECK(missing.empty());
    CHECK(ReadLog(sweeper.log_path()).find("orphans_removed") != std::string::npos);
  }
  WARN("multi-node test took " << std::chrono::duration<double>(Clock::now() - test_start).count()
                               << " s");
}
