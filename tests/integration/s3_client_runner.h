// Runs one group of tests/s3/s3_clients.py (or the JS SDK program) against a
// running server's S3 listener, for the S3 integration tests. The server is
// started with S3ServerArgs (bucket "photos", the test credentials). Not
// thread-safe (one child at a time).
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "integration/server_harness.h"

namespace edgepix::testing {

inline constexpr const char* kS3TestKey = "AKIDEDGEPIXTEST";
inline constexpr const char* kS3TestSecret = "edgepix/test+secret";

// --s3-listen on `s3_port` with the test credentials, bucket "photos", one worker.
std::vector<std::string> S3ServerArgs(int s3_port);
// Runs `group` ("js" = the AWS SDK for JavaScript v3 (s3_sdk.mjs), "js_seeds" =
// its seeds' flow (seeds_flow.mjs), otherwise a group of s3_clients.py) with EDGEPIX_S3_IMAGE =
// `image`; returns its exit code (kSkipReturnCode when the client is missing). Its output goes to
// the test log (UNSCOPED_INFO) on failure; `output`, when given, receives it.
int RunS3ClientGroup(const ServerProcess& server, int s3_port, const std::string& group,
                     const std::string& image, std::string* output = nullptr);

// Where a client group runs: edgepix (data_dir and main_url set) or the reference S3
// (reference = true: EDGEPIX_S3_TARGET=rgw, the group leaves out edgepix-only checks).
struct S3Target {
  std::string url;  // http://127.0.0.1:PORT
  std::string key, secret, bucket;
  std::string data_dir, main_url;  // edgepix only
  bool reference = false;
  std::vector<std::pair<std::string, std::string>> env;  // more variables for the group
};
// As RunS3ClientGroup, for any target.
int RunS3Client(const S3Target& target, const std::string& group, const std::string& image,
                std::string* output = nullptr);

// The "OBS<TAB>name<TAB>json" lines of a client group's output: what the SDKs read,
// by call name (tests/s3/s3_clients.py, observe_call).
std::map<std::string, nlohmann::json> S3Observations(const std::string& output);

}  // namespace edgepix::testing
