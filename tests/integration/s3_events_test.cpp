// S3 event notifications and marker batches against the real binary, driven
// by Debian's python3-boto3 (tests/s3/s3_clients.py groups "notify",
// "notify_more" and "marker") with the webhook receiver (receiver.py, which checks every
// Standard Webhooks signature with Python's hmac):
//  - --s3-notify gets S3-shaped events (Records[], aws:s3, ObjectCreated:Put
//    with size and unquoted eTag, ObjectRemoved:Delete, the key URL-encoded
//    with '+' for spaces, growing sequencers) for a plain object and an image,
//    retried after a 503 under the same webhook-id, listed as deliveries;
//  - CopyObject and CompleteMultipartUpload as ObjectCreated:Copy and
//    ObjectCreated:CompleteMultipartUpload (group "notify_more");
//  - with --s3-complete-marker _complete, three images under event1/ and the
//    marker event1/_complete make one batch.completed with 3 jobs at the
//    --webhook endpoint (an image under other/ is not in it);
//  - events written while the receiver is down survive kill -9 (they are
//    outbox rows committed with the objects) and arrive after the restart;
//  - the seeds' flow through the AWS SDK for JavaScript v3 (tests/s3/js/
//    seeds_flow.mjs): presigned PUTs of corpus photos (read in place) and of
//    the _complete marker, a node receiver checking every signature gets a
//    job.completed with every variant per photo and the batch.completed, and
//    every variant reads back through S3.
// The server is stopped with SIGTERM and must exit 0 with a clean log.
#include <signal.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "integration/s3_client_runner.h"
#include "integration/server_harness.h"
#include "integration/webhooks/deliveries.h"
#include "integration/webhooks/webhook_receiver.h"
#include "unit/support/fixtures.h"
#include "unit/support/skip.h"

using namespace edgepix::testing;

namespace {

const char* const kWebhookSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

const nlohmann::json& Record(const nlohmann::json& request) {
  return request["body"]["Records"][0];
}

}  // namespace

TEST_CASE("S3 events: --s3-notify gets signed ObjectCreated:Put and ObjectRemoved:Delete records") {
  // The first attempt of each event answers 503: the outbox's retry sends it again.
  WebhookReceiver receiver(kWebhookSecret, {.fail = 1});
  const int s3_port = FreeLoopbackPort();
  std::vector<std::string> args = S3ServerArgs(s3_port);
  args.insert(args.end(), {"--s3-notify", receiver.url("/s3"), "--webhook-secret", kWebhookSecret,
                           "--webhook-retry-schedule", "1s,1s,1s"});
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
  auto answered_200 = [](const auto& rs) {
    std::vector<nlohmann::json> out;
    for (const auto& r : rs) {
      if (r["answered"] == 200) out.push_back(r);
    }
    return out;
  };
  auto all = receiver.WaitFor([&](const auto& r) { return answered_200(r).size() >= 3; }, 30);
  CHECK(all.size() == 6);  // each event twice under its webhook-id: 503, then 200
  std::map<std::string, int> attempts;
  for (const auto& r : all) ++attempts[r["id"].get<std::string>()];
  for (const auto& [id, n] : attempts) CHECK(n == 2);
  auto got = answered_200(all);
  REQUIRE(got.size() == 3);
  std::map<std::string, nlohmann::json> by_key_and_name;
  for (const auto& r : got) {
    CHECK(r["signature_ok"] == true);
    const auto& rec = Record(r);
    CHECK(r["body"]["Records"].size() == 1);
    CHECK(rec["eventSource"] == "aws:s3");
    CHECK(rec["eventVersion"] == "2.1");
    CHECK(rec["awsRegion"] == "us-east-1");
    CHECK(rec["s3"]["bucket"]["name"] == "photos");
    CHECK(rec["eventTime"].get<std::string>().size() == 24);  // 2026-12-04T15:52:00.123Z
    by_key_and_name[rec["s3"]["object"]["key"].get<std::string>() + " " +
                    rec["eventName"].get<std::string>()] = rec;
  }
  const std::string plain = "notes/my+file%2B1.txt";
  REQUIRE(by_key_and_name.count(plain + " ObjectCreated:Put") == 1);
  REQUIRE(by_key_and_name.count(plain + " ObjectRemoved:Delete") == 1);
  REQUIRE(by_key_and_name.count("notes/photo.jpg ObjectCreated:Put") == 1);
  const auto& created = by_key_and_name[plain + " ObjectCreated:Put"]["s3"]["object"];
  CHECK(created["size"] == 5);
  CHECK(created["eTag"] == "5d41402abc4b2a76b9719d911017c592");
  const auto& removed = by_key_and_name[plain + " ObjectRemoved:Delete"]["s3"]["object"];
  CHECK_FALSE(removed.contains("size"));
  // S3's sequencers order the events of one key: the delete's is larger
  // (same length, upper-case hex, so a string comparison orders them).
  CHECK(removed["sequencer"].get<std::string>() > created["sequencer"].get<std::string>());
  const auto& photo = by_key_and_name["notes/photo.jpg ObjectCreated:Put"]["s3"]["object"];
  CHECK(photo["size"].get<uint64_t>() == ReadFileOrDie(image).size());
  // The deliveries listing shows them like any webhook event (once the 200s
  // have reached the server, which can trail the receiver's log).
  auto c = server.Client();
  const auto listed = WaitForDeliveries(c, "delivered", 3, 10);
  std::map<std::string, int> types;
  for (const auto& d : listed) ++types[d["type"].get<std::string>()];
  CHECK(types["s3:ObjectCreated:Put"] == 2);
  CHECK(types["s3:ObjectRemoved:Delete"] == 1);
  CHECK(server.Stop());
}

TEST_CASE("S3 events: CopyObject and CompleteMultipartUpload send their own event names") {
  WebhookReceiver receiver(kWebhookSecret);
  const int s3_port = FreeLoopbackPort();
  std::vector<std::string> args = S3ServerArgs(s3_port);
  args.insert(args.end(), {"--s3-notify", receiver.url("/s3"), "--webhook-secret", kWebhookSecret});
  ServerProcess server(args);
  TempDir scratch;
  const std::string image = scratch.Join("photo.jpg");
  WriteFileOrDie(image, MakeJpeg(64, 64));
  int code = RunS3ClientGroup(server, s3_port, "notify_more", image);
  if (code == kSkipReturnCode) {
    CHECK(server.Stop());
    EDGEPIX_SKIP("python3-boto3 is not installed (scripts/setup.sh)");
  }
  REQUIRE(code == 0);
  auto got = receiver.WaitFor([](const auto& rs) { return rs.size() >= 3; }, 30);
  std::set<std::string> names;
  for (const auto& r : got) {
    CHECK(r["signature_ok"] == true);
    names.insert(Record(r)["eventName"].get<std::string>() + " " +
                 Record(r)["s3"]["object"]["key"].get<std::string>());
  }
  CHECK(names == std::set<std::string>{"ObjectCreated:Put more/a.txt",
                                       "ObjectCreated:Copy more/b.txt",
                                       "ObjectCreated:CompleteMultipartUpload more/c.bin"});
  CHECK(server.Stop());
}

TEST_CASE(
    "S3 events: --s3-complete-marker closes the prefix's batch, batch.completed with 3 jobs") {
  WebhookReceiver receiver(kWebhookSecret);
  const int s3_port = FreeLoopbackPort();
  std::vector<std::string> args = S3ServerArgs(s3_port);
  args.insert(args.end(), {"--s3-complete-marker", "_complete", "--webhook", receiver.url(),
                           "--webhook-secret", kWebhookSecret});
  ServerProcess server(args);
  TempDir scratch;
  const std::string image = scratch.Join("photo.jpg");
  WriteFileOrDie(image, MakeJpeg(320, 240));
  std::string output;
  int code = RunS3ClientGroup(server, s3_port, "marker", image, &output);
  if (code == kSkipReturnCode) {
    CHECK(server.Stop());
    EDGEPIX_SKIP("python3-boto3 is not installed (scripts/setup.sh)");
  }
  REQUIRE(code == 0);
  const size_t at = output.find("BATCH=");
  REQUIRE(at != std::string::npos);
  const std::string batch_id = output.substr(at + 6, output.find('\n', at) - at - 6);
  auto is_batch = [](const nlohmann::json& r) { return r["type"] == "batch.completed"; };
  auto got = receiver.WaitFor(
      [&](const auto& rs) { return std::count_if(rs.begin(), rs.end(), is_batch) >= 1; }, 60);
  REQUIRE(std::count_if(got.begin(), got.end(), is_batch) == 1);
  const auto batch = *std::find_if(got.begin(), got.end(), is_batch);
  CHECK(batch["signature_ok"] == true);
  const auto& data = batch["body"]["data"];
  CHECK(data["id"] == batch_id);
  CHECK(data["status"] == "COMPLETED");
  CHECK(data["counts"]["total"] == 3);
  CHECK(data["counts"]["completed"] == 3);
  CHECK(data["metadata"]["s3"]["bucket"] == "photos");
  CHECK(data["metadata"]["s3"]["prefix"] == "event1/");
  // The batch's own jobs, through the API: the three images of event1/.
  auto c = server.Client();
  auto got_batch = JsonBody(c.Get("/api/batches/" + batch_id));
  REQUIRE(got_batch["jobs"].size() == 3);
  std::set<std::string> names;
  for (const auto& job : got_batch["jobs"]) names.insert(job["filename"].get<std::string>());
  CHECK(names == std::set<std::string>{"a.jpg", "b.jpg", "c.jpg"});
  CHECK(server.Stop());
}

TEST_CASE("S3 events: an event acknowledged before kill -9 is delivered after the restart") {
  WebhookReceiver receiver(kWebhookSecret);
  receiver.Stop();  // its port is known and now refuses connections
  TempDir scratch;
  const std::string data = scratch.Join("data");
  const std::string image = scratch.Join("photo.jpg");
  WriteFileOrDie(image, MakeJpeg(320, 240));
  const int s3_port = FreeLoopbackPort();
  std::vector<std::string> args = S3ServerArgs(s3_port);
  args.insert(args.end(), {"--s3-notify", receiver.url("/s3"), "--webhook-secret", kWebhookSecret,
                           "--webhook-retry-schedule", "1s,1s,1s,1s,1s,1s,1s,1s,1s,1s"});
  {
    ServerProcess server(args, data);
    int code = RunS3ClientGroup(server, s3_port, "notify", image);
    if (code == kSkipReturnCode) {
      CHECK(server.Stop());
      EDGEPIX_SKIP("python3-boto3 is not installed (scripts/setup.sh)");
    }
    REQUIRE(code == 0);
    server.Kill(SIGKILL);  // the three events are still pending: nobody answered
  }
  CHECK(receiver.Requests().empty());
  receiver.Start();
  ServerProcess server(args, data);
  auto got = receiver.WaitFor(
      [](const auto& rs) {
        return std::count_if(rs.begin(), rs.end(),
                             [](const auto& r) { return r["answered"] == 200; }) >= 3;
      },
      60);
  std::set<std::string> names;
  for (const auto& r : got) {
    CHECK(r["signature_ok"] == true);
    names.insert(Record(r)["eventName"].get<std::string>() + " " +
                 Record(r)["s3"]["object"]["key"].get<std::string>());
  }
  CHECK(names == std::set<std::string>{"ObjectCreated:Put notes/my+file%2B1.txt",
                                       "ObjectCreated:Put notes/photo.jpg",
                                       "ObjectRemoved:Delete notes/my+file%2B1.txt"});
  CHECK(server.Stop());
}

TEST_CASE(
    "S3 events: the seeds' flow through the JS SDK, presigned photo and marker PUTs, "
    "job.completed with every variant and batch.completed at a node receiver") {
  const char* corpus_env = std::getenv("EDGEPIX_CORPUS");
  const std::string corpus =
      corpus_env ? corpus_env : std::string(EDGEPIX_SOURCE_DIR) + "/../shared/corpus";
  std::string photos;
  for (const char* name : {"photos/33-type_error.jpg", "photos/plasma_Grey_2560x1600.jpg",
                           "photos/plasma_DarkestHour_2560x1600.jpg"}) {
    const std::string path = corpus + "/" + name;
    if (!std::filesystem::exists(path)) EDGEPIX_SKIP("the corpus photo " + path + " is missing");
    photos += path + "\n";
  }
  const int hook_port = FreeLoopbackPort();
  const int s3_port = FreeLoopbackPort();
  std::vector<std::string> args = S3ServerArgs(s3_port);
  args.insert(args.end(),
              {"--s3-complete-marker", "_complete", "--webhook",
               "http://127.0.0.1:" + std::to_string(hook_port) + "/hooks", "--webhook-secret",
               kWebhookSecret, "--webhook-retry-schedule", "1s,1s,1s,1s,1s"});
  ServerProcess server(args);
  S3Target target;
  target.url = "http://127.0.0.1:" + std::to_string(s3_port);
  target.key = kS3TestKey;
  target.secret = kS3TestSecret;
  target.bucket = "photos";
  target.data_dir = server.data_dir();
  target.main_url = "http://127.0.0.1:" + std::to_string(server.port());
  target.env = {{"EDGEPIX_SEED_PHOTOS", photos},
                {"EDGEPIX_WEBHOOK_PORT", std::to_string(hook_port)},
                {"EDGEPIX_WEBHOOK_SECRET", kWebhookSecret},
                {"EDGEPIX_SEED_VARIANTS", "thumb,medium,large"}};
  const int code = RunS3Client(target, "js_seeds", "");
  if (code == kSkipReturnCode) {
    CHECK(server.Stop());
    EDGEPIX_SKIP("node or the npm packages of tests/s3/js are missing (scripts/setup.sh)");
  }
  CHECK(code == 0);
  CHECK(server.Stop());
}
