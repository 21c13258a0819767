// The --blobs-* flags: the local disk unless --blobs-url (or EDGEPIX_BLOBS_URL),
// the s3:// URL's parts and refusals, credentials from the environment or a file.
#include "cli/blob_options.h"

#include <catch2/catch.hpp>

#include "unit/support/fixtures.h"

using namespace edgepix;
using namespace edgepix::cli;

namespace {

Result<std::optional<S3BlobConfig>> Parse(const std::vector<std::string>& args,
                                          const std::map<std::string, std::string>& env = {}) {
  auto parsed = ParseOptions(BlobOptionDefs(), args, env);
  if (!parsed.ok()) return parsed.status();
  return BlobsConfigFrom(*parsed, env);
}

const std::map<std::string, std::string> kKeys = {{"EDGEPIX_S3_ACCESS_KEY", "AK"},
                                                  {"EDGEPIX_S3_SECRET_KEY", "SK"}};

}  // namespace

TEST_CASE("Blob options: local disk unless --blobs-url, and the URL's parts") {
  auto off = Parse({});
  REQUIRE(off.ok());
  CHECK_FALSE(off->has_value());

  auto on = Parse(
      {"--blobs-url", "s3://photos/edge/pix/?endpoint=http://10.0.0.5:7480/&region=eu-1"}, kKeys);
  REQUIRE(on.ok());
  REQUIRE(on->has_value());
  CHECK((*on)->bucket == "photos");
  CHECK((*on)->prefix == "edge/pix");
  CHECK((*on)->endpoint == "http://10.0.0.5:7480");
  CHECK((*on)->region == "eu-1");
  CHECK((*on)->access_key == "AK");
  CHECK((*on)->secret_key == "SK");

  auto env_only = Parse({}, {{"EDGEPIX_BLOBS_URL", "s3://b?endpoint=https://s3.example"},
                             {"EDGEPIX_S3_ACCESS_KEY", "AK"},
                             {"EDGEPIX_S3_SECRET_KEY", "SK"}});
  REQUIRE(env_only.ok());
  REQUIRE(env_only->has_value());
  CHECK((*env_only)->prefix.empty());
  CHECK((*env_only)->region == "us-east-1");
}

TEST_CASE("Blob options: malformed URLs and missing credentials are refused") {
  for (const std::string url :
       {"http://bucket/x?endpoint=http://h:1", "s3://?endpoint=http://h:1",
        "s3://Bucket_X/p?endpoint=http://h:1", "s3://b/p", "s3://b/p?endpoint=ftp://h",
        "s3://b/p?endpoint=http://h:1/path", "s3://b/p?endpoint=http://h:1&color=red",
        "s3://b//p?endpoint=http://h:1"}) {
    INFO(url);
    CHECK(Parse({"--blobs-url", url}, kKeys).status().code() == ErrorCode::kBadRequest);
  }
  CHECK(Parse({"--blobs-url", "s3://b?endpoint=http://h:1"}).status().code() ==
        ErrorCode::kBadRequest);
  CHECK(Parse({"--blobs-credentials-file", "/nonexistent"}).status().code() ==
        ErrorCode::kBadRequest);
}

TEST_CASE("Blob options: credentials from --blobs-credentials-file") {
  testing::TempDir tmp;
  testing::WriteFileOrDie(tmp.Join("keys"), "# the bucket's user\nFILEKEY fileSecret\n");
  auto on = Parse(
      {"--blobs-url", "s3://b?endpoint=http://h:1", "--blobs-credentials-file", tmp.Join("keys")},
      kKeys);
  REQUIRE(on.ok());
  CHECK((*on)->access_key == "FILEKEY");
  CHECK((*on)->secret_key == "fileSecret");
  testing::WriteFileOrDie(tmp.Join("two"), "A a\nB b\n");
  CHECK(Parse({"--blobs-url", "s3://b?endpoint=http://h:1", "--blobs-credentials-file",
               tmp.Join("two")})
            .status()
            .code() == ErrorCode::kBadRequest);
}

TEST_CASE("Blob options: --blobs-grace-seconds, an hour unless set, refused out of range") {
  auto grace = [](const std::vector<std::string>& args) -> Result<int64_t> {
    auto parsed = ParseOptions(BlobOptionDefs(), args, {});
    if (!parsed.ok()) return parsed.status();
    return BlobsGraceSecondsFrom(*parsed);
  };
  CHECK(*grace({}) == 3600);
  CHECK(*grace({"--blobs-grace-seconds", "0"}) == 0);
  CHECK(*grace({"--blobs-grace-seconds", "86400"}) == 86400);
  for (const char* bad : {"-1", "soon", "1.5", "2000000000000"}) {
    auto refused = grace({"--blobs-grace-seconds", bad});
    INFO(bad);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().code() == ErrorCode::kBadRequest);
    CHECK(refused.status().message().find("--blobs-grace-seconds") != std::string::npos);
  }
}
