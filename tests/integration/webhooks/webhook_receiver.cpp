#include "integration/webhooks/webhook_receiver.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "unit/support/skip.h"

namespace edgepix::testing {

WebhookReceiver::WebhookReceiver(std::string secret, ReceiverOptions options)
    : secret_(std::move(secret)), options_(options) {
  if (access("/usr/bin/python3", X_OK) != 0) EDGEPIX_SKIP("python3 is not installed");
  Start();
}

WebhookReceiver::~WebhookReceiver() { Stop(); }

void WebhookReceiver::Start() {
  const std::string port_file = dir_.Join("port");
  ::unlink(port_file.c_str());
  const std::string script =
      std::string(EDGEPIX_TEST_SOURCE_DIR) + "/integration/webhooks/receiver.py";
  std::vector<std::string> args = {"/usr/bin/python3",
                                   script,
                                   "--secret",
                                   secret_,
                                   "--log",
                                   dir_.Join("requests.jsonl"),
                                   "--port-file",
                                   port_file,
                                   "--port",
                                   std::to_string(port_ != 0 ? port_ : options_.port),
                                   "--fail",
                                   std::to_string(options_.fail),
                                   "--fail-status",
                                   std::to_string(options_.fail_status),
                                   "--delay-first",
                                   std::to_string(options_.delay_first_s)};
  const std::string log = dir_.Join("receiver.log");
  pid_ = fork();
  if (pid_ == 0) {
    // Its own log: a connection reset by a killed server is not test output.
    FILE* out = std::fopen(log.c_str(), "a");
    if (out != nullptr) {
      dup2(fileno(out), 1);
      dup2(fileno(out), 2);
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  for (int i = 0; i < 300; ++i) {
    std::ifstream in(port_file);
    if (in >> port_) return;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("the webhook receiver exited at start");
    }
    usleep(20 * 1000);
  }
  throw std::runtime_error("the webhook receiver did not start");
}

void WebhookReceiver::Stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::string WebhookReceiver::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::vector<nlohmann::json> WebhookReceiver::Requests() const {
  std::vector<nlohmann::json> out;
  std::ifstream in(dir_.Join("requests.jsonl"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line.back() != '}') continue;  // a line still being written
    out.push_back(nlohmann::json::parse(line, nullptr, false));
    if (out.back().is_discarded()) out.pop_back();
  }
  return out;
}

}  // namespace edgepix::testing
