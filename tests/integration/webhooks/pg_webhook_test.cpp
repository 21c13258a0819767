// Webhooks with the outbox in PostgreSQL (webhooks/pg_outbox.h), against the
// real binary: two nodes on one PostgreSQL the test starts, a real receiver
// (receiver.py, which checks every Standard Webhooks signature with Python's
// hmac). Every job and batch event, to --webhook and to a batch's
// callback_url, arrives exactly once and signed, whichever node made or sent
// it; a node killed with SIGKILL while it holds a delivery's claim mid-send
// (the receiver holds its answer) has the delivery sent by the other node
// once the claim's lease (--webhook-timeout + 5 s) has run out. Skipped when
// PostgreSQL is not installed.
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "integration/server_harness.h"
#include "integration/webhooks/deliveries.h"
#include "integration/webhooks/webhook_receiver.h"
#include "unit/support/pg_cluster.h"

using namespace edgepix::testing;
using namespace std::chrono_literals;

namespace {

const char* const kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

std::vector<std::string> NodeArgs(const std::string& url, const std::string& node,
                                  const std::string& webhook,
                                  const std::vector<std::string>& more = {}) {
  std::vector<std::string> a = {"--jobs-url",
                                url,
                                "--node-id",
                                node,
                                "--workers",
                                "1",
                                "--webhook",
                                webhook,
                                "--webhook-secret",
                                kSecret,
                                "--jobs-recheck-seconds",
                                "1"};
  a.insert(a.end(), more.begin(), more.end());
  return a;
}

std::string UploadTo(ServerProcess& node, const std::string& name, const std::string& bytes,
                     const std::string& query = "") {
  auto c = node.Client();
  auto r = c.Post("/api/uploads?filename=" + name + query, bytes, "image/jpeg");
  REQUIRE(r);
  INFO(r->body);
  REQUIRE(r->status == 202);
  return JsonBody(r)["jobs"][0]["id"];
}

}  // namespace

TEST_CASE("webhooks on PostgreSQL: two nodes deliver every event exactly once, signed",
          "[webhooks][pg][multinode]") {
  if (const std::string why = PgCluster::Unavailable(); !why.empty()) EDGEPIX_SKIP(why);
  PgCluster pg;  // declared first: outlives the nodes
  const std::string url = pg.CreateDatabase();
  WebhookReceiver receiver(kSecret);
  TempDir shared;
  const std::string data = shared.Join("data");
  ServerProcess a(NodeArgs(url, "node-a", receiver.url()), data);
  ServerProcess b(NodeArgs(url, "node-b", receiver.url()), data);
  ServerProcess* nodes[] = {&a, &b};

  // Jobs on both nodes, and a batch with a callback made on one node, filled
  // on both and completed on the other.
  std::set<std::string> jobs;
  for (int i = 0; i < 6; ++i) {
    jobs.insert(UploadTo(*nodes[i % 2], "p.jpg", MakeJpeg(100 + i, 80)));
  }
  auto ac = a.Client();
  const std::string callback = receiver.url() + "/batch";
  auto created = ac.Post("/api/batches", nlohmann::json{{"callback_url", callback}}.dump(),
                         "application/json");
  REQUIRE(created);
  INFO(created->body);
  REQUIRE(created->status == 201);
  const std::string batch = JsonBody(created)["batch"]["id"];
  std::set<std::string> batch_jobs;
  for (int i = 0; i < 2; ++i) {
    batch_jobs.insert(UploadTo(*nodes[i % 2], "in.jpg", MakeJpeg(140 + i, 90), "&batch=" + batch));
  }
  auto done = b.Client().Post("/api/batches/" + batch + "/complete", "", "application/json");
  REQUIRE(done);
  REQUIRE(done->status == 200);

  // 8 job events to --webhook, the batch's 2 also to its callback, and one
  // batch.completed to each.
  const size_t expected = 8 + 2 + 2;
  auto got = receiver.WaitFor([&](const auto& r) { return r.size() >= expected; }, 90);
  std::this_thread::sleep_for(3s);  // a duplicate would come now
  got = receiver.Requests();
  REQUIRE(got.size() == expected);
  std::map<std::string, int> per_id;
  std::map<std::string, int> per_target;  // path + subject + type
  for (const auto& r : got) {
    INFO(r.dump());
    CHECK(r["signature_ok"] == true);
    CHECK(r["answered"] == 200);
    ++per_id[r["id"].get<std::string>()];
    ++per_target[r["path"].get<std::string>() + " " + r["subject"].get<std::string>() + " " +
                 r["type"].get<std::string>()];
  }
  CHECK(per_id.size() == expected);  // every webhook-id once
  for (const std::string& job : jobs) CHECK(per_target["/hook " + job + " job.completed"] == 1);
  for (const std::string& job : batch_jobs) {
    CHECK(per_target["/hook " + job + " job.completed"] == 1);
    CHECK(per_target["/hook/batch " + job + " job.completed"] == 1);
  }
  CHECK(per_target["/hook " + batch + " batch.completed"] == 1);
  CHECK(per_target["/hook/batch " + batch + " batch.completed"] == 1);

  // The outbox is shared: either node lists every delivery, delivered once.
  for (ServerProcess* node : nodes) {
    auto c = node->Client();
    const auto rows = WaitForDeliveries(c, "delivered", expected, 10);
    CHECK(rows.size() == expected);
    for (const auto& row : rows) CHECK(row["attempts"] == 1);
    CHECK(JsonBody(c.Get("/api/webhooks/deliveries?status=pending"))["deliveries"].empty());
  }
  CHECK(a.Stop());
  CHECK(b.Stop());
}

TEST_CASE(
    "webhooks on PostgreSQL: a node killed mid-send, the other delivers after the claim lease",
    "[webhooks][pg][multinode]") {
  if (const std::string why = PgCluster::Unavailable(); !why.empty()) EDGEPIX_SKIP(why);
  PgCluster pg;
  const std::string url = pg.CreateDatabase();
  // The first send of each delivery gets no answer for a minute.
  WebhookReceiver receiver(kSecret, {.delay_first_s = 60});
  TempDir shared;
  const std::string data = shared.Join("data");
  const std::vector<std::string> timeout = {"--webhook-timeout", "3"};  // claim lease 8 s
  ServerProcess a(NodeArgs(url, "node-a", receiver.url(), timeout), data);
  const std::string job = UploadTo(a, "k.jpg", MakeJpeg(160, 120));

  // node-a is sending (the receiver holds the request): kill it now, while
  // its claim holds and before its 3 s timeout could record anything.
  auto first = receiver.WaitFor([](const auto& r) { return !r.empty(); }, 60);
  REQUIRE(first.size() == 1);
  a.Kill(SIGKILL);
  CHECK(first[0]["subject"] == job);
  CHECK(first[0]["delayed"] == true);

  ServerProcess b(NodeArgs(url, "node-b", receiver.url(), timeout), data);
  auto got = receiver.WaitFor([](const auto& r) { return r.size() >= 2; }, 60);
  REQUIRE(got.size() == 2);
  CHECK(got[1]["id"] == first[0]["id"]);  // the same delivery, sent again
  CHECK(got[1]["signature_ok"] == true);
  CHECK(got[1]["answered"] == 200);
  CHECK(got[1]["delayed"] == false);
  // Not before node-a's claim ran out (8 s after it was taken, just before
  // the first send).
  const double waited = got[1]["received"].get<double>() - first[0]["received"].get<double>();
  INFO("second send " << waited << " s after the first");
  CHECK(waited >= 7.0);
  CHECK(waited < 30.0);

  auto c = b.Client();
  const auto rows = WaitForDeliveries(c, "delivered", 1, 5);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["id"] == first[0]["id"]);
  CHECK(rows[0]["attempts"] == 1);  // node-a never recorded its attempt
  std::this_thread::sleep_for(2s);
  CHECK(receiver.Requests().size() == 2);
  CHECK(b.Stop());
}
