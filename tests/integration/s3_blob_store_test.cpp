// A node keeping its blobs in a real S3 (Ceph's RGW, started by the harness)
// with --blobs-url: an upload is COMPLETED with its original and variants as
// objects in the bucket, served with Range, and DELETE removes every object of
// the image; /readyz probes the bucket and /metrics has the store's latency.
// SKIPPED without Debian's ceph packages.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>

#include "integration/ceph_rgw.h"
#include "integration/server_harness.h"
#include "storage/s3_client.h"
#include "storage/s3_xml.h"

using namespace edgepix::testing;
using edgepix::S3BlobConfig;
using edgepix::s3client::S3Client;
using edgepix::s3client::S3Request;

namespace {

// Every key in the bucket (with uploads in progress as "upload:KEY").
std::vector<std::string> ListBucket(S3Client& client) {
  std::vector<std::string> out;
  S3Request list;
  list.query = {{"list-type", "2"}};
  auto answer = client.Send(list);
  REQUIRE(answer.ok());
  REQUIRE(answer->status == 200);
  for (auto block : edgepix::s3xml::Blocks(answer->body, "Contents")) {
    out.push_back(edgepix::s3xml::Value(block, "Key").value_or("?"));
  }
  S3Request uploads;
  uploads.query = {{"uploads", ""}};
  answer = client.Send(uploads);
  REQUIRE(answer.ok());
  for (auto block : edgepix::s3xml::Blocks(answer->body, "Upload")) {
    out.push_back("upload:" + edgepix::s3xml::Value(block, "Key").value_or("?"));
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE(
    "A node with --blobs-url on Ceph RGW stores, serves with Range and deletes every object") {
  EDGEPIX_REQUIRE_CEPH_RGW(rgw);
  auto made = CreateRgwBucket(rgw, "edgepix-node-");
  INFO(made.status().ToString());
  REQUIRE(made.ok());
  const S3BlobConfig config = *made;
  S3Client client(config);

  TempDir secrets;
  WriteFileOrDie(secrets.Join("blobs.keys"), rgw.access_key() + " " + rgw.secret_key() + "\n");
  ServerProcess server(
      {"--blobs-url",
       "s3://" + config.bucket + "/node?endpoint=" + rgw.endpoint() + "&region=" + rgw.region(),
       "--blobs-credentials-file", secrets.Join("blobs.keys"), "--workers", "1"});
  auto c = server.Client();
  const std::string jpeg = MakeJpeg(1600, 1200);
  auto up = UploadFiles(c, {{"photo.jpg", jpeg}});
  REQUIRE(up);
  REQUIRE(up->status == 202);
  const std::string id = JsonBody(up)["jobs"][0]["id"];
  auto done = WaitForTerminal(c, id);
  REQUIRE(done["status"] == "COMPLETED");
  REQUIRE(done["variants"].size() == 3);

  // Everything is in the bucket, nothing under --data.
  const std::string dir = "node/images/" + id + "/";
  CHECK(ListBucket(client) == std::vector<std::string>{dir + "large.webp", dir + "medium.webp",
                                                       dir + "original", dir + "thumb.webp"});
  CHECK_FALSE(std::filesystem::exists(server.data_dir() + "/originals"));
  CHECK_FALSE(std::filesystem::exists(server.data_dir() + "/variants"));

  // The original, whole and by ranges (each a ranged GET to the bucket).
  auto whole = c.Get("/o/" + id);
  REQUIRE(whole);
  CHECK(whole->status == 200);
  CHECK(whole->body == jpeg);
  auto part = c.Get("/o/" + id, {{"Range", "bytes=100-1099"}});
  REQUIRE(part);
  CHECK(part->status == 206);
  CHECK(part->body == jpeg.substr(100, 1000));
  auto tail = c.Get("/o/" + id, {{"Range", "bytes=-10"}});
  REQUIRE(tail);
  CHECK(tail->status == 206);
  CHECK(tail->body == jpeg.substr(jpeg.size() - 10));

  for (const auto& v : done["variants"]) {
    INFO("variant " << v["name"]);
    auto full = c.Get(v["url"].get<std::string>());
    REQUIRE(full);
    REQUIRE(full->status == 200);
    CHECK(WebpSize(full->body).first > 0);
    auto head = c.Get(v["url"].get<std::string>(), {{"Range", "bytes=0-15"}});
    REQUIRE(head);
    CHECK(head->status == 206);
    CHECK(head->body == full->body.substr(0, 16));
  }

  auto del = c.Delete("/api/images/" + id);
  REQUIRE(del);
  CHECK(del->status == 204);
  CHECK(ListBucket(client).empty());
  auto gone = c.Get("/o/" + id);
  REQUIRE(gone);
  CHECK(gone->status == 404);

  // /metrics: the store's latency per operation; no free-disk gauge for a bucket.
  auto metrics = c.Get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->body.find("edgepix_blob_store_seconds_count{store=\"s3\",op=\"put_original\"}") !=
        std::string::npos);
  CHECK(metrics->body.find("edgepix_blob_store_seconds_bucket{store=\"s3\",op=\"get_range\"") !=
        std::string::npos);
  CHECK(metrics->body.find("edgepix_disk_free_bytes ") == std::string::npos);

  // /readyz writes, reads and removes a probe object in the bucket.
  auto ready = c.Get("/readyz");
  REQUIRE(ready);
  CHECK(ready->status == 200);
  CHECK(JsonBody(ready)["checks"]["disk"] == "ok");
  CHECK(ListBucket(client).empty());
  S3Request drop_bucket;
  drop_bucket.method = "DELETE";
  auto dropped = client.Send(drop_bucket);
  REQUIRE(dropped.ok());
  REQUIRE(dropped->status == 204);
  auto not_ready = c.Get("/readyz");
  REQUIRE(not_ready);
  CHECK(not_ready->status == 503);
  CHECK_THAT(JsonBody(not_ready)["checks"]["disk"].get<std::string>(),
             Catch::Contains("NoSuchBucket"));
}
