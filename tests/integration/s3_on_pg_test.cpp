// The S3 listener on nodes whose job store is PostgreSQL (--jobs-url):
//  - two nodes sharing one PostgreSQL the test starts and one bucket on the
//    harness's real Ceph RGW serve one S3 namespace: PutObject via node A,
//    GetObject / HeadObject / ListObjectsV2 via node B (a non-ASCII key and
//    a delimiter); a plain object's bytes are in the shared bucket under
//    PREFIX/s3-objects/, not in --data; a multipart upload whose parts go to
//    different nodes, completed on one and read on the other (its parts
//    staged under PREFIX/s3-multipart/ and gone after); an image put via A
//    becomes a job, and DeleteObject via B removes its job and its variants;
//    with --s3-complete-marker, images under one prefix put via A and B join
//    one batch, closed by the marker put via B;
//  - existing client groups (boto3, curl) against one PostgreSQL-backed node;
//  - --s3-notify on PostgreSQL: the "notify" group's events, signed, from the
//    PostgreSQL webhook outbox.
// Skipped when PostgreSQL, Ceph RGW or the client is not installed (never
// passed then). Every server is stopped with SIGTERM and must exit 0 with a
// clean log.
#include <catch2/catch.hpp>
#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "integration/ceph_rgw.h"
#include "integration/s3_client_runner.h"
#include "integration/server_harness.h"
#include "integration/webhooks/webhook_receiver.h"
#include "storage/s3_client.h"
#include "storage/s3_xml.h"
#include "unit/support/pg_cluster.h"
#include "unit/support/skip.h"

using namespace edgepix::testing;
using namespace std::chrono_literals;
using edgepix::S3BlobConfig;
using edgepix::s3client::S3Client;
using edgepix::s3client::S3Request;
using edgepix::s3client::S3Response;

namespace {

// A client of a node's S3 listener (bucket "photos", the test credentials).
S3BlobConfig ListenerConfig(int s3_port) {
  S3BlobConfig c;
  c.endpoint = "http://127.0.0.1:" + std::to_string(s3_port);
  c.bucket = "photos";
  c.access_key = kS3TestKey;
  c.secret_key = kS3TestSecret;
  c.max_attempts = 1;
  return c;
}

S3Response Send(S3Client& client, const S3Request& request) {
  auto answer = client.Send(request);
  REQUIRE(answer.ok());
  return *answer;
}

// Keys of the backing bucket under `prefix`.
std::vector<std::string> BucketKeys(S3Client& bucket, const std::string& prefix) {
  S3Request list;
  list.query = {{"list-type", "2"}, {"prefix", prefix}};
  S3Response r = Send(bucket, list);
  REQUIRE(r.status == 200);
  std::vector<std::string> out;
  for (auto block : edgepix::s3xml::Blocks(r.body, "Contents")) {
    out.push_back(edgepix::s3xml::Value(block, "Key").value_or("?"));
  }
  return out;
}

// GET /api/jobs/{id} on `node` until COMPLETED or FAILED (30 s).
std::string WaitTerminal(ServerProcess& node, const std::string& id) {
  auto deadline = std::chrono::steady_clock::now() + 30s;
  while (std::chrono::steady_clock::now() < deadline) {
    auto r = node.Client().Get("/api/jobs/" + id);
    REQUIRE(r);
    if (r->status == 200) {
      const std::string status = JsonBody(r)["status"];
      if (status == "COMPLETED" || status == "FAILED") return status;
    }
    std::this_thread::sleep_for(100ms);
  }
  return "timeout";
}

}  // namespace

TEST_CASE("S3 on PostgreSQL: two nodes, one namespace, one bucket", "[pg][s3][multinode]") {
  if (const std::string why = PgCluster::Unavailable(); !why.empty()) EDGEPIX_SKIP(why);
  EDGEPIX_REQUIRE_CEPH_RGW(rgw);
  PgCluster pg;  // declared first: outlives the nodes
  const std::string url = pg.CreateDatabase();

  auto made = CreateRgwBucket(rgw, "edgepix-s3pg-");
  INFO(made.status().ToString());
  REQUIRE(made.ok());
  const S3BlobConfig config = *made;
  S3Client bucket(config);
  TempDir shared;
  WriteFileOrDie(shared.Join("blobs.keys"), rgw.access_key() + " " + rgw.secret_key() + "\n");
  const std::string blobs_url =
      "s3://" + config.bucket + "/pfx?endpoint=" + rgw.endpoint() + "&region=" + rgw.region();
  auto node_args = [&](const std::string& node_id, int s3_port) {
    std::vector<std::string> a = S3ServerArgs(s3_port);
    a.insert(a.end(), {"--jobs-url", url, "--blobs-url", blobs_url, "--blobs-credentials-file",
                       shared.Join("blobs.keys"), "--node-id", node_id, "--s3-complete-marker",
                       "_complete"});
    return a;
  };
  const int port_a = FreeLoopbackPort();
  ServerProcess a(node_args("node-a", port_a), shared.Join("data-a"));
  const int port_b = FreeLoopbackPort();
  ServerProcess b(node_args("node-b", port_b), shared.Join("data-b"));
  S3Client via_a(ListenerConfig(port_a));
  S3Client via_b(ListenerConfig(port_b));

  // 1. A plain object put via A is read, listed and headed via B.
  const std::string key = "docs/r\xc3\xa9sum\xc3\xa9 \xe4\xb8\xad.txt";
  const std::string text = "hello from node a\n";
  {
    S3Request put;
    put.method = "PUT";
    put.key = key;
    put.body = text;
    put.headers = {{"Content-Type", "text/plain"}};
    S3Response r = Send(via_a, put);
    INFO(r.body);
    REQUIRE(r.status == 200);
  }
  {
    S3Request get;
    get.key = key;
    S3Response r = Send(via_b, get);
    REQUIRE(r.status == 200);
    CHECK(r.body == text);
    S3Request head;
    head.method = "HEAD";
    head.key = key;
    r = Send(via_b, head);
    CHECK(r.status == 200);
    CHECK(r.Header("content-length") == std::to_string(text.size()));
    S3Request list;
    list.query = {{"list-type", "2"}, {"delimiter", "/"}};
    r = Send(via_b, list);
    REQUIRE(r.status == 200);
    CHECK(edgepix::s3xml::Value(r.body, "Prefix").value_or("") == "");
    auto prefixes = edgepix::s3xml::Blocks(r.body, "CommonPrefixes");
    REQUIRE(prefixes.size() == 1);
    CHECK(edgepix::s3xml::Value(prefixes[0], "Prefix").value_or("?") == "docs/");
    list.query = {{"list-type", "2"}, {"prefix", "docs/"}};
    r = Send(via_b, list);
    auto contents = edgepix::s3xml::Blocks(r.body, "Contents");
    REQUIRE(contents.size() == 1);
    CHECK(edgepix::s3xml::Value(contents[0], "Key").value_or("?") == key);
  }
  // Its bytes are in the shared bucket, not in a node's --data.
  CHECK_FALSE(BucketKeys(bucket, "pfx/s3-objects/").empty());

  // 2. A multipart upload: part 1 via A, part 2 via B, completed via B, read via A.
  {
    S3Request create;
    create.method = "POST";
    create.key = "big/blob.bin";
    create.query = {{"uploads", ""}};
    S3Response r = Send(via_a, create);
    INFO(r.body);
    REQUIRE(r.status == 200);
    const std::string upload_id = edgepix::s3xml::Value(r.body, "UploadId").value_or("");
    REQUIRE_FALSE(upload_id.empty());
    const std::string part1(5 << 20, 'a');
    const std::string part2 = "the tail, from node b";
    std::string etags[2];
    for (int n = 0; n < 2; ++n) {
      S3Request part;
      part.method = "PUT";
      part.key = "big/blob.bin";
      part.query = {{"partNumber", std::to_string(n + 1)}, {"uploadId", upload_id}};
      part.body = n == 0 ? std::string_view(part1) : std::string_view(part2);
      S3Response pr = Send(n == 0 ? via_a : via_b, part);
      INFO(pr.body);
      REQUIRE(pr.status == 200);
      etags[n] = pr.Header("etag");
    }
    CHECK_FALSE(BucketKeys(bucket, "pfx/s3-multipart/").empty());
    // Both parts listed on either node.
    S3Request parts;
    parts.key = "big/blob.bin";
    parts.query = {{"uploadId", upload_id}};
    r = Send(via_a, parts);
    CHECK(edgepix::s3xml::Blocks(r.body, "Part").size() == 2);
    S3Request complete;
    complete.method = "POST";
    complete.key = "big/blob.bin";
    complete.query = {{"uploadId", upload_id}};
    const std::string body = "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>" +
                             etags[0] + "</ETag></Part><Part><PartNumber>2</PartNumber><ETag>" +
                             etags[1] + "</ETag></Part></CompleteMultipartUpload>";
    complete.body = body;
    r = Send(via_b, complete);
    INFO(r.body);
    REQUIRE(r.status == 200);
    S3Request get;
    get.key = "big/blob.bin";
    r = Send(via_a, get);
    REQUIRE(r.status == 200);
    CHECK(r.body.size() == part1.size() + part2.size());
    CHECK(r.body == part1 + part2);
    CHECK(BucketKeys(bucket, "pfx/s3-multipart/").empty());
  }

  // 3. An image put via A becomes a job; DeleteObject via B removes its job
  // and its variants.
  {
    const std::string jpeg = MakeJpeg(320, 240);
    S3Request put;
    put.method = "PUT";
    put.key = "cats/tom.jpg";
    put.body = jpeg;
    put.headers = {{"Content-Type", "image/jpeg"}};
    S3Response r = Send(via_a, put);
    INFO(r.body);
    REQUIRE(r.status == 200);
    const std::string job_id = r.Header("x-edgepix-job-id");
    REQUIRE_FALSE(job_id.empty());
    CHECK(WaitTerminal(b, job_id) == "COMPLETED");
    CHECK_FALSE(BucketKeys(bucket, "pfx/images/" + job_id + "/").empty());
    S3Request head;
    head.method = "HEAD";
    head.key = "cats/tom.jpg";
    CHECK(Send(via_b, head).status == 200);
    S3Request del;
    del.method = "DELETE";
    del.key = "cats/tom.jpg";
    CHECK(Send(via_b, del).status == 204);
    CHECK(Send(via_a, head).status == 404);
    auto job = a.Client().Get("/api/jobs/" + job_id);
    REQUIRE(job);
    CHECK(job->status == 404);
    CHECK(BucketKeys(bucket, "pfx/images/" + job_id + "/").empty());
  }

  // 4. The plain object deleted via B is gone for A, and from the bucket.
  {
    S3Request del;
    del.method = "DELETE";
    del.key = key;
    CHECK(Send(via_b, del).status == 204);
    S3Request get;
    get.key = key;
    CHECK(Send(via_a, get).status == 404);
    S3Request del_big;
    del_big.method = "DELETE";
    del_big.key = "big/blob.bin";
    CHECK(Send(via_a, del_big).status == 204);
    CHECK(BucketKeys(bucket, "pfx/s3-objects/").empty());
  }
  // 5. --s3-complete-marker across nodes: images under ev/ put via A and B
  // join one batch; the marker put via B closes it; A reads it.
  {
    std::vector<std::string> jobs;
    for (int i = 0; i < 4; ++i) {
      const std::string jpeg = MakeJpeg(200 + i, 150);
      S3Request put;
      put.method = "PUT";
      put.key = "ev/" + std::to_string(i) + ".jpg";
      put.body = jpeg;
      put.headers = {{"Content-Type", "image/jpeg"}};
      S3Response r = Send(i % 2 == 0 ? via_a : via_b, put);
      INFO(r.body);
      REQUIRE(r.status == 200);
      jobs.push_back(r.Header("x-edgepix-job-id"));
    }
    S3Request marker;
    marker.method = "PUT";
    marker.key = "ev/_complete";
    marker.body = "";
    S3Response r = Send(via_b, marker);
    REQUIRE(r.status == 200);
    const std::string batch_id = r.Header("x-edgepix-batch-id");
    REQUIRE_FALSE(batch_id.empty());
    auto batch = a.Client().Get("/api/batches/" + batch_id);
    REQUIRE(batch);
    REQUIRE(batch->status == 200);
    auto body = JsonBody(batch);
    CHECK(body["jobs"].size() == 4);
    for (const auto& id : jobs) CHECK(WaitTerminal(a, id) == "COMPLETED");
  }
  CHECK(a.Stop());
  CHECK(b.Stop());
}

TEST_CASE("S3 on PostgreSQL: the boto3 and curl client groups against a PostgreSQL node",
          "[pg][s3]") {
  if (const std::string why = PgCluster::Unavailable(); !why.empty()) EDGEPIX_SKIP(why);
  PgCluster pg;
  const std::string url = pg.CreateDatabase();
  TempDir scratch;
  const std::string image = scratch.Join("photo.jpg");
  WriteFileOrDie(image, MakeJpeg(640, 480));
  for (const char* group : {"boto3", "curl"}) {
    DYNAMIC_SECTION(group) {
      const int s3_port = FreeLoopbackPort();
      std::vector<std::string> args = S3ServerArgs(s3_port);
      args.insert(args.end(), {"--jobs-url", url, "--node-id", "node-a"});
      ServerProcess server(args);
      int code = RunS3ClientGroup(server, s3_port, group, image);
      CHECK(server.Stop());
      if (code == kSkipReturnCode) EDGEPIX_SKIP(std::string(group) + "'s client is not installed");
      CHECK(code == 0);
    }
  }
}

TEST_CASE("S3 on PostgreSQL: --s3-notify events come from the shared outbox", "[pg][s3]") {
  if (const std::string why = PgCluster::Unavailable(); !why.empty()) EDGEPIX_SKIP(why);
  const std::string secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  PgCluster pg;
  const std::string url = pg.CreateDatabase();
  WebhookReceiver receiver(secret);
  const int s3_port = FreeLoopbackPort();
  std::vector<std::string> args = S3ServerArgs(s3_port);
  args.insert(args.end(), {"--jobs-url", url, "--node-id", "node-a", "--s3-notify",
                           receiver.url("/s3"), "--webhook-secret", secret});
  ServerProcess server(args);
  TempDir scratch;
  const std::string image = scratch.Join("photo.jpg");
  WriteFileOrDie(image, MakeJpeg(320, 240));
  int code = RunS3ClientGroup(server, s3_port, "notify", image);
  if (code == kSkipReturnCode) {
    CHECK(server.Stop());
    EDGEPIX_SKIP("python3-boto3 is not installed (scripts/setup.sh)");
  }
  REQUIRE(code == 0);
  auto got = receiver.WaitFor([](const auto& rs) { return rs.size() >= 3; }, 30);
  REQUIRE(got.size() == 3);
  std::multiset<std::string> names;
  for (const auto& r : got) {
    CHECK(r["signature_ok"] == true);
    names.insert(r["body"]["Records"][0]["eventName"].get<std::string>());
  }
  CHECK(names == std::multiset<std::string>{"ObjectCreated:Put", "ObjectCreated:Put",
                                            "ObjectRemoved:Delete"});
  CHECK(pg.Query("SELECT count(*) FROM webhook_outbox WHERE type LIKE 's3:%'",
                 PgCluster::DatabaseOf(url)) == "3");
  CHECK(server.Stop());
}
