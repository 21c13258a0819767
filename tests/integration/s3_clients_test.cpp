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
#include <catch2/catch.hpp>
#include <cstdlib>
#include <string>

#include "integration/s3_client_runner.h"
#include "integration/server_harness.h"
#include "unit/support/fixtures.h"
#include "unit/support/skip.h"

using namespace edgepix::testing;

namespace {

// Runs one group of client checks against a fresh server; returns its exit code.
int RunClients(const std::string& group, const std::vector<std::string>& more_args = {}) {
  const int s3_port = FreeLoopbackPort();
  std::vector<std::string> args = S3ServerArgs(s3_port);
  args.insert(args.end(), more_args.begin(), more_args.end());
  ServerProcess server(args);
  TempDir scratch;
  const std::string image = scratch.Join("photo.jpg");
  WriteFileOrDie(image, group == "slowdown" ? MakeJpeg(6000, 4000) : MakeJpeg(640, 480));
  int code = RunS3ClientGroup(server, s3_port, group, image);
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
