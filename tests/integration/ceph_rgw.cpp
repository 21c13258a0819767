#include "integration/ceph_rgw.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

#include "storage/s3_client.h"
#include "unit/support/skip.h"

namespace edgepix::testing {
namespace {

std::string Script() { return std::string(EDGEPIX_TEST_SOURCE_DIR) + "/support/ceph_rgw.sh"; }

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Runs `command` with stdout+stderr into a string; returns the exit code.
int Run(const std::string& command, std::string* output) {
  output->clear();
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (!p) return 127;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) output->append(buf, n);
  int status = pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

}  // namespace

CephRgw::CephRgw() {
  if (!Env("EDGEPIX_RGW_ENDPOINT").empty()) {
    endpoint_ = Env("EDGEPIX_RGW_ENDPOINT");
    access_key_ = Env("EDGEPIX_RGW_ACCESS_KEY");
    secret_key_ = Env("EDGEPIX_RGW_SECRET_KEY");
    state_ = State::kRunning;
    return;
  }
  // Two tries: the script picks free ports before the daemons bind them, so a
  // port taken in between (tests run in parallel) fails one start, not the test.
  std::string output;
  for (int attempt = 1; attempt <= 2; ++attempt) {
    char tmpl[] = "/tmp/edgepix-rgw-XXXXXX";
    if (!mkdtemp(tmpl)) {
      message_ = "mkdtemp failed";
      return;
    }
    const int code = Run("bash " + Quote(Script()) + " start " + Quote(tmpl) + " --owner " +
                             std::to_string(getpid()),
                         &output);
    if (code == kSkipReturnCode) {
      state_ = State::kMissing;
      message_ = output;
      rmdir(tmpl);
      return;
    }
    dir_ = tmpl;
    if (code == 0) break;
    message_ = "Ceph RGW did not start (tests/support/ceph_rgw.sh, exit " + std::to_string(code) +
               ", try " + std::to_string(attempt) + " of 2):\n" + output;
    std::fprintf(stderr, "%s\n", message_.c_str());
    if (attempt == 2) return;
    std::string ignored;
    Run("bash " + Quote(Script()) + " stop " + Quote(dir_), &ignored);
    dir_.clear();
  }
  message_.clear();
  logs_dir_ = dir_;
  if (!ReadEnv(output)) {
    message_ = "ceph_rgw.sh start printed no RGW_ENDPOINT:\n" + output;
    return;
  }
  state_ = State::kRunning;
}

bool CephRgw::ReadEnv(const std::string& text) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    const std::string k = line.substr(0, eq), v = line.substr(eq + 1);
    if (k == "RGW_ENDPOINT") endpoint_ = v;
    if (k == "RGW_ACCESS_KEY") access_key_ = v;
    if (k == "RGW_SECRET_KEY") secret_key_ = v;
    if (k == "RGW_REGION") region_ = v;
  }
  return !endpoint_.empty();
}

std::unique_ptr<CephRgw> CephRgw::Attach(const std::string& env_file) {
  std::ifstream in(env_file);
  if (!in) return nullptr;
  std::stringstream text;
  text << in.rdbuf();
  std::unique_ptr<CephRgw> rgw(new CephRgw(Attached{}));
  if (!rgw->ReadEnv(text.str())) return nullptr;
  // A file left by a run whose gateway is gone: nothing listens at its port.
  const std::string prefix = "http://127.0.0.1:";
  if (rgw->endpoint_.rfind(prefix, 0) != 0) return nullptr;
  const int port = std::atoi(rgw->endpoint_.c_str() + prefix.size());
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return nullptr;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool up = connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  if (!up) return nullptr;
  rgw->logs_dir_ = env_file.substr(0, env_file.rfind('/'));
  rgw->state_ = State::kRunning;
  return rgw;
}

CephRgw::~CephRgw() {
  if (dir_.empty()) return;
  std::string output;
  if (Run("bash " + Quote(Script()) + " stop " + Quote(dir_), &output) != 0) {
    std::fprintf(stderr, "ceph_rgw.sh stop %s failed:\n%s\n", dir_.c_str(), output.c_str());
  }
}

std::string CephRgw::LogTail() const {
  if (logs_dir_.empty()) return "";
  std::string output;
  Run("bash " + Quote(Script()) + " logs " + Quote(logs_dir_), &output);
  return output;
}

CephRgw& SharedCephRgw() {
  // Destroyed at exit (static destructor): a cluster of our own stops with
  // the process.
  static const std::unique_ptr<CephRgw> rgw = [] {
#ifdef EDGEPIX_CTEST_RGW_ENV
    if (Env("EDGEPIX_RGW_ENDPOINT").empty()) {
      if (auto run_wide = CephRgw::Attach(EDGEPIX_CTEST_RGW_ENV)) return run_wide;
    }
#endif
    return std::make_unique<CephRgw>();
  }();
  return *rgw;
}

Result<S3BlobConfig> CreateRgwBucket(const CephRgw& rgw, const std::string& prefix) {
  S3BlobConfig config;
  config.endpoint = rgw.endpoint();
  config.region = rgw.region();
  config.access_key = rgw.access_key();
  config.secret_key = rgw.secret_key();
  std::mt19937 rng(std::random_device{}());
  config.bucket = prefix;
  for (int i = 0; i < 8; ++i) config.bucket.push_back("abcdefghijklmnopqrstuvwxyz"[rng() % 26]);
  s3client::S3Client client(config);
  s3client::S3Request make_bucket;
  make_bucket.method = "PUT";
  auto made = client.Send(make_bucket);
  if (!made.ok()) {
    return Status::Error(made.status().code(),
                         "creating bucket " + config.bucket + ": " + made.status().ToString());
  }
  if (made->status != 200) {
    return Status::Error(ErrorCode::kUnavailable, "creating bucket " + config.bucket + ": " +
                                                      std::to_string(made->status) + " " +
                                                      made->body);
  }
  return config;
}

}  // namespace edgepix::testing
