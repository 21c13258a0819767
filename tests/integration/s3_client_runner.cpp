#include "integration/s3_client_runner.h"

#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <sstream>

#include "unit/support/fixtures.h"

namespace edgepix::testing {
namespace {

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The client program for `group`: "js" is the AWS SDK for JavaScript v3
// (tests/s3/js, 77 without node), the others groups of tests/s3/s3_clients.py.
std::string RunnerFor(const std::string& group) {
  const std::string dir = std::string(EDGEPIX_TEST_SOURCE_DIR) + "/s3";
  if (group == "js" || group == "js_seeds") {
    const std::string program = group == "js" ? "s3_sdk.mjs" : "seeds_flow.mjs";
    return "sh -c " + Quote("command -v node >/dev/null || exit 77; exec node " +
                            Quote(dir + "/js/" + program));
  }
  return "/usr/bin/python3 " + Quote(dir + "/s3_clients.py") + " " + group;
}

}  // namespace

std::vector<std::string> S3ServerArgs(int s3_port) {
  return {"--s3-listen",     "127.0.0.1:" + std::to_string(s3_port),
          "--s3-access-key", kS3TestKey,
          "--s3-secret-key", kS3TestSecret,
          "--s3-bucket",     "photos",
          "--workers",       "1"};
}

int RunS3ClientGroup(const ServerProcess& server, int s3_port, const std::string& group,
                     const std::string& image, std::string* output) {
  S3Target target;
  target.url = "http://127.0.0.1:" + std::to_string(s3_port);
  target.key = kS3TestKey;
  target.secret = kS3TestSecret;
  target.bucket = "photos";
  target.data_dir = server.data_dir();
  target.main_url = "http://127.0.0.1:" + std::to_string(server.port());
  return RunS3Client(target, group, image, output);
}

int RunS3Client(const S3Target& target, const std::string& group, const std::string& image,
                std::string* output) {
  TempDir scratch;
  const std::string log = scratch.Join("clients.log");
  std::string command =
      "EDGEPIX_S3_URL=" + Quote(target.url) + " EDGEPIX_S3_KEY=" + Quote(target.key) +
      " EDGEPIX_S3_SECRET=" + Quote(target.secret) + " EDGEPIX_S3_BUCKET=" + Quote(target.bucket) +
      " EDGEPIX_S3_IMAGE=" + Quote(image) + " EDGEPIX_S3_DATA=" + Quote(target.data_dir) +
      " EDGEPIX_MAIN_URL=" + Quote(target.main_url) +
      " EDGEPIX_S3_TARGET=" + (target.reference ? "rgw" : "edgepix") + " ";
  for (const auto& [name, value] : target.env) command += name + "=" + Quote(value) + " ";
  command += RunnerFor(group) + " > " + Quote(log) + " 2>&1";
  int status = std::system(command.c_str());
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  std::string out = ReadFileOrDie(log);
  if (code != 0) UNSCOPED_INFO(out);
  if (output) *output = out;
  return code;
}

std::map<std::string, nlohmann::json> S3Observations(const std::string& output) {
  std::map<std::string, nlohmann::json> seen;
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("OBS\t", 0) != 0) continue;
    const auto tab = line.find('\t', 4);
    if (tab == std::string::npos) continue;
    seen[line.substr(4, tab - 4)] = nlohmann::json::parse(line.substr(tab + 1), nullptr, false);
  }
  return seen;
}

}  // namespace edgepix::testing
