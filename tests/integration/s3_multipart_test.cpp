// S3 multipart uploads, CopyObject and S3 keys that follow their job, driven
// by real clients (tests/s3/s3_clients.py): boto3's upload_file in 5 MiB
// parts and each multipart operation with S3's refusals (InvalidPartOrder,
// InvalidPart, EntityTooSmall, NoSuchUpload), abort leaving no file, Debian's
// awscli copying a photo over its 8 MiB multipart threshold, an upload that
// survives kill -9 between its parts and completes after the restart, the
// sweep of uploads older than --s3-multipart-ttl, CopyObject and its
// x-amz-copy-source-if-* conditions (with UploadPartCopy), ListMultipartUploads
// with a delimiter, and an image's key gone once its job is deleted through
// DELETE /api/images/{id} or --retain. A missing client reports the test
// skipped. Every server is stopped with SIGTERM and must exit 0 with a clean
// log.
#include <signal.h>

#include <catch2/catch.hpp>
#include <string>

#include "integration/s3_client_runner.h"
#include "integration/server_harness.h"
#include "unit/support/fixtures.h"
#include "unit/support/skip.h"

using namespace edgepix::testing;

namespace {

constexpr size_t kMiB = 1 << 20;

// A photo the AWS CLI uploads in parts (over its 8 MiB threshold, under 10 MiB: two parts).
const std::string& BigJpeg() {
  static const std::string jpeg = MakeLargeJpeg(8 * kMiB + kMiB / 2);
  return jpeg;
}

int RunGroup(const std::string& group, const std::string& jpeg,
             const std::vector<std::string>& more_args = {}) {
  const int s3_port = FreeLoopbackPort();
  std::vector<std::string> args = S3ServerArgs(s3_port);
  args.insert(args.end(), more_args.begin(), more_args.end());
  ServerProcess server(args);
  TempDir scratch;
  const std::string image = scratch.Join("photo.jpg");
  WriteFileOrDie(image, jpeg);
  int code = RunS3ClientGroup(server, s3_port, group, image);
  CHECK(server.Stop());
  return code;
}

}  // namespace

TEST_CASE("S3 multipart: boto3 upload_file in 5 MiB parts, each operation, bad part lists, abort") {
  REQUIRE(BigJpeg().size() > 8 * kMiB);
  int code = RunGroup("multipart", BigJpeg());
  if (code == kSkipReturnCode) EDGEPIX_SKIP("python3-boto3 is not installed (scripts/setup.sh)");
  CHECK(code == 0);
}

TEST_CASE("S3 multipart: aws s3 cp of a photo over the CLI's 8 MiB multipart threshold") {
  int code = RunGroup("awscli_multipart", BigJpeg());
  if (code == kSkipReturnCode) EDGEPIX_SKIP("Debian's awscli is not installed (scripts/setup.sh)");
  CHECK(code == 0);
}

TEST_CASE("S3 multipart: an upload survives kill -9 between its parts and completes after") {
  const int s3_port = FreeLoopbackPort();
  ServerProcess server(S3ServerArgs(s3_port));
  TempDir scratch;
  const std::string image = scratch.Join("photo.jpg");
  WriteFileOrDie(image, BigJpeg());
  int code = RunS3ClientGroup(server, s3_port, "mpu_begin", image);
  if (code == kSkipReturnCode) {
    CHECK(server.Stop());
    EDGEPIX_SKIP("python3-boto3 is not installed (scripts/setup.sh)");
  }
  REQUIRE(code == 0);
  server.Kill(SIGKILL);
  server.Start();
  CHECK(RunS3ClientGroup(server, s3_port, "mpu_finish", image) == 0);
  CHECK(server.Stop());
}

TEST_CASE("S3 multipart: an upload older than --s3-multipart-ttl is swept with its parts") {
  int code = RunGroup("sweep", MakeJpeg(64, 64), {"--s3-multipart-ttl", "2s"});
  if (code == kSkipReturnCode) EDGEPIX_SKIP("python3-boto3 is not installed (scripts/setup.sh)");
  CHECK(code == 0);
}

TEST_CASE("S3 CopyObject: plain objects and images (a new job), missing bucket or key") {
  int code = RunGroup("copy", MakeJpeg(640, 480));
  if (code == kSkipReturnCode) EDGEPIX_SKIP("python3-boto3 is not installed (scripts/setup.sh)");
  CHECK(code == 0);
}

TEST_CASE(
    "S3: an image's key is neither listed nor readable once DELETE /api/images removed its job") {
  int code = RunGroup("job_delete", MakeJpeg(640, 480));
  if (code == kSkipReturnCode) EDGEPIX_SKIP("python3-boto3 is not installed (scripts/setup.sh)");
  CHECK(code == 0);
}

TEST_CASE("S3: an image's key goes with its job when --retain removes it") {
  int code = RunGroup("retain", MakeJpeg(640, 480), {"--retain", "2s"});
  if (code == kSkipReturnCode) EDGEPIX_SKIP("python3-boto3 is not installed (scripts/setup.sh)");
  CHECK(code == 0);
}

TEST_CASE(
    "S3 multipart: x-amz-copy-source-if-* on CopyObject and UploadPartCopy (412 "
    "PreconditionFailed), ListMultipartUploads with a delimiter") {
  int code = RunGroup("conditions", MakeJpeg(64, 64));
  if (code == kSkipReturnCode) EDGEPIX_SKIP("python3-boto3 is not installed (scripts/setup.sh)");
  CHECK(code == 0);
}
