// The S3-compatible listener (--s3-listen) driven by real clients: Debian's
// python3-boto3 (put/get/head/delete, upload_file, list_objects_v2 with
// prefix/delimiter/pagination/encoding-type, presigned PUT with SigV4 and
// SigV2, buckets, an image becoming a job with listed variants), Debian's
// awscli (aws s3 cp/ls/rm), curl --aws-sigv4, and hostile requests (tampered
// signature, expired URL, clock skew, wrong region, ../ and %2F keys, bad
// chunk signature, CRC mismatch, body longer than declared: each refused with
// S3's error and nothing stored). The client side lives in tests/s3/s3_clients.py;
// a missing client reports the test skipped. The server is stopped with
// SIGTERM and must exit 0 with a clean log (ServerProcess).
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <string>

#include "integration/server_harness.h"
#include "unit/support/fixtures.h"
#include "unit/support/skip.h"

using namespace edgepix::testing;

namespace {

constexpr const char* kKey = "AKIDEDGEPIXTEST";
constexpr const char* kSecret = "edgepix/test+secret";

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The client program for `group`: "js" is the AWS SDK for JavaScript v3
// (tests/s3/js, 77 without node), the others groups of tests/s3/s3_clients.py.
std::string RunnerFor(const std::string& group) {
  const std::string dir = std::string(EDGEPIX_TEST_SOURCE_DIR) + "/s3";
  if (group == "js") {
    return "sh -c " + Quote("command -v node >/dev/null || exit 77; exec node " +
                            Quote(dir + "/js/s3_sdk.mjs"));
  }
  return "/usr/bin/python3 " + Quote(dir + "/s3_clients.py") + " " + group;
}

// Runs one group of client checks against a fresh server; returns its exit code.
int RunClients(const std::string& group, const std::vector<std::string>& more_args = {}) {
  const int s3_port = FreeLoopbackPort();
  std::vector<std::string> args = {"--s3-listen",     "127.0.0.1:" + std::to_string(s3_port),
                                   "--s3-access-key", kKey,
                                   "--s3-secret-key", kSecret,
                                   "--s3-bucket",     "photos",
                                   "--workers",       "1"};
  args.insert(args.end(), more_args.begin(), more_args.end());
  ServerProcess server(args);
  TempDir scratch;
  const std::string image = scratch.Join("photo.jpg");
  WriteFileOrDie(image, group == "slowdown" ? MakeJpeg(6000, 4000) : MakeJpeg(640, 480));
  const std::string log = scratch.Join("clients.log");
  std::string command = "EDGEPIX_S3_URL=http://127.0.0.1:" + std::to_string(s3_port) +
                        " EDGEPIX_S3_KEY=" + Quote(kKey) + " EDGEPIX_S3_SECRET=" + Quote(kSecret) +
                        " EDGEPIX_S3_BUCKET=photos EDGEPIX_S3_IMAGE=" + Quote(image) +
                        " EDGEPIX_S3_DATA=" + Quote(server.data_dir()) +
                        " EDGEPIX_MAIN_URL=http://127.0.0.1:" + std::to_string(server.port()) +
                        " " + RunnerFor(group) + " > " + Quote(log) + " 2>&1";
  int status = std::system(command.c_str());
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  std::string output = ReadFileOrDie(log);
  if (code != 0) UNSCOPED_INFO(output);
  CHECK(server.Stop());
  return code;
}

}  // namespace

TEST_CASE("S3: boto3 objects, listings, buckets, presigned SigV4 and SigV2 PUTs, an image job") {
  int code = RunClients("boto3");
  if (code == kSkipReturnCode) EDGEPIX_SKIP("python3-boto3 is not installed (scripts/setup.sh)");
  CHECK(code == 0);
}

TEST_CASE("S3: aws s3 cp, ls and rm with --endpoint-url") {
  int code = RunClients("awscli");
  if (code == kSkipReturnCode) EDGEPIX_SKIP("Debian's awscli is not installed (scripts/setup.sh)");
  CHECK(code == 0);
}

TEST_CASE("S3: curl --aws-sigv4 PUT, GET, list and a wrong secret") {
  int code = RunClients("curl");
  if (code == kSkipReturnCode) EDGEPIX_SKIP("curl is not installed");
  CHECK(code == 0);
}

TEST_CASE("S3: hostile requests get S3's error and store nothing") {
  int code = RunClients("hostile");
  if (code == kSkipReturnCode) EDGEPIX_SKIP("python3-boto3 is not installed (scripts/setup.sh)");
  CHECK(code == 0);
}

TEST_CASE(
    "S3: --max-upload-mb answers EntityTooLarge, and CORS preflight and headers for "
    "--cors-origin") {
  int code = RunClients("limits", {"--max-upload-mb", "1", "--cors-origin", "https://app.example"});
  if (code == kSkipReturnCode) EDGEPIX_SKIP("python3-boto3 is not installed (scripts/setup.sh)");
  CHECK(code == 0);
}

TEST_CASE("S3: below the --min-free-mb margin a PUT answers 507 InsufficientStorage") {
  int code = RunClients("disk", {"--min-free-mb", "1000000000"});
  if (code == kSkipReturnCode) EDGEPIX_SKIP("python3-boto3 is not installed (scripts/setup.sh)");
  CHECK(code == 0);
}

TEST_CASE(
    "S3: AWS SDK for JavaScript v3: presigned PUT through fetch, Buffer and stream PUTs (CRC32 "
    "trailer)") {
  int code = RunClients("js");
  if (code == kSkipReturnCode)
    EDGEPIX_SKIP("node or the npm packages of tests/s3/js are missing (scripts/setup.sh)");
  CHECK(code == 0);
}

TEST_CASE("S3: image PUTs beyond --max-queue answer 503 SlowDown, plain objects still go in") {
  std::vector<std::string> args = SlowQueueArgs();
  args.insert(args.end(), {"--max-queue", "2"});
  int code = RunClients("slowdown", args);
  if (code == kSkipReturnCode) EDGEPIX_SKIP("python3-boto3 is not installed (scripts/setup.sh)");
  CHECK(code == 0);
}
