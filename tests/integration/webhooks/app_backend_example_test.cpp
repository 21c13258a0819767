// examples/app-backend/backend.py against the real binary: the example an app
// developer copies must keep working (batch with a callback_url, upload
// grants used without the token, a signed batch.completed verified by the
// example's own code).
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <string>

#include "integration/server_harness.h"

using namespace edgepix::testing;

namespace {

// Runs `command`, returns its exit status and appends its stdout+stderr to *out.
int Run(const std::string& command, std::string* out) {
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[512];
  while (fgets(buf, sizeof buf, p) != nullptr) *out += buf;
  return pclose(p);
}

}  // namespace

TEST_CASE("example: app-backend creates a batch, uploads through grants, gets its webhook") {
  if (access("/usr/bin/python3", X_OK) != 0) EDGEPIX_SKIP("python3 is not installed");
  TempDir dir;
  const std::string token = "example-token-0123456789";
  const std::string token_file = dir.Join("token");
  std::ofstream(token_file) << token << "\n";
  const int hook_port = FreeLoopbackPort();
  ServerProcess server({"--token-file", token_file, "--webhook-allow",
                        "http://127.0.0.1:" + std::to_string(hook_port) + "/"});
  std::string secret;
  REQUIRE(Run(EdgepixShellCommand() + " webhook-secret --data " + server.data_dir(), &secret) == 0);
  while (!secret.empty() && secret.back() == '\n') secret.pop_back();

  std::string out;
  const int status =
      Run("/usr/bin/python3 " + std::string(EDGEPIX_SOURCE_DIR) +
              "/examples/app-backend/backend.py --edgepix http://127.0.0.1:" +
              std::to_string(server.port()) + " --token " + token + " --secret " + secret +
              " --listen 127.0.0.1:" + std::to_string(hook_port) + " --timeout 120",
          &out);
  INFO(out);
  CHECK(status == 0);
  CHECK(out.find("\"status\": \"COMPLETED\"") != std::string::npos);
  CHECK(out.find("\"job_events\": 3") != std::string::npos);
  CHECK(out.find("\"bad_signatures\": 0") != std::string::npos);
}
