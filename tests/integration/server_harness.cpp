#include "integration/server_harness.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <webp/decode.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <thread>

namespace edgepix::testing {

namespace {
// A server that answers and closes while a test is still sending must not kill
// the test process; the write error is reported through the client's result.
const bool kIgnoreSigpipe = [] {
  signal(SIGPIPE, SIG_IGN);
  return true;
}();
}  // namespace

std::string EdgepixBinary() {
  const char* bin = std::getenv("EDGEPIX_BIN");
  if (!bin || !*bin) throw std::runtime_error("EDGEPIX_BIN is not set (run through ctest)");
  return bin;
}

int FreeLoopbackPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    throw std::runtime_error("bind failed");
  }
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

ServerProcess::ServerProcess(std::vector<std::string> extra_args, std::string data_dir)
    : data_dir_(data_dir.empty() ? temp_.Join("data") : std::move(data_dir)),
      extra_args_(std::move(extra_args)) {
  Start();
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) Kill(SIGTERM);
}

std::string EdgepixShellCommand() {
  const char* emu = std::getenv("EDGEPIX_EMULATOR");
  return (emu && *emu ? std::string(emu) + " " : std::string()) + EdgepixBinary();
}

pid_t SpawnEdgepixServe(const std::vector<std::string>& serve_args, const std::string& log,
                        int port, const std::function<bool(int)>& ready) {
  std::vector<std::string> args = {EdgepixBinary(), "serve"};
  // Cross builds: run the target binary under qemu-user (scripts/cross-build.sh
  // sets EDGEPIX_EMULATOR) when the kernel has no binfmt_misc entry for it.
  if (const char* emu = std::getenv("EDGEPIX_EMULATOR"); emu && *emu) {
    args.insert(args.begin(), emu);
  }
  args.insert(args.end(), serve_args.begin(), serve_args.end());
  std::fflush(nullptr);  // or the child repeats our buffered output
  pid_t pid = fork();
  if (pid == 0) {
    FILE* f = std::freopen(log.c_str(), "a", stdout);
    (void)f;
    dup2(fileno(stdout), fileno(stderr));
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execvp(argv[0], argv.data());
    _exit(127);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    if (ready(port)) return pid;
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      throw std::runtime_error("edgepix exited at start; log: " + ReadFileOrDie(log));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  throw std::runtime_error("edgepix did not become ready within 30 s; log: " + ReadFileOrDie(log));
}

void ServerProcess::Start() {
  port_ = FreeLoopbackPort();
  std::vector<std::string> args = {"--listen", "127.0.0.1:" + std::to_string(port_), "--data",
                                   data_dir_, "--quiet"};
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  pid_ = SpawnEdgepixServe(args, temp_.Join("server.log"), port_, [](int port) {
    httplib::Client c("127.0.0.1", port);
    c.set_connection_timeout(1);
    auto r = c.Get("/healthz");
    return r && r->status == 200;
  });
}

int ServerProcess::Kill(int signal) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, signal);
  int status = 0;
  // A server that ignores a polite signal is killed after a grace period instead
  // of hanging the test (generous: a graceful stop finishes the images being
  // processed, which takes a while under qemu-user).
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  pid_ = -1;
  return status;
}

httplib::Client ServerProcess::Client() const {
  httplib::Client c("127.0.0.1", port_);
  c.set_read_timeout(120, 0);
  c.set_connection_timeout(5, 0);
  return c;
}

nlohmann::json JsonBody(const httplib::Result& r) {
  REQUIRE(r);
  INFO("body: " << r->body);
  auto j = nlohmann::json::parse(r->body, nullptr, false);
  REQUIRE_FALSE(j.is_discarded());
  return j;
}

httplib::Result UploadFiles(httplib::Client& c,
                            const std::vector<std::pair<std::string, std::string>>& files) {
  httplib::MultipartFormDataItems items;
  for (const auto& [name, bytes] : files) {
    items.push_back({"file", bytes, name, "application/octet-stream"});
  }
  return c.Post("/api/uploads", items);
}

nlohmann::json WaitForTerminal(httplib::Client& c, const std::string& id, int seconds) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  nlohmann::json job;
  while (std::chrono::steady_clock::now() < deadline) {
    auto r = c.Get("/api/jobs/" + id + "?wait=30");
    job = JsonBody(r);
    REQUIRE(r->status == 200);
    std::string s = job["status"];
    if (s == "COMPLETED" || s == "FAILED") return job;
  }
  FAIL("job " << id << " did not finish in " << seconds << " s: " << job.dump());
  return job;
}

std::pair<int, int> WebpSize(const std::string& bytes) {
  int w = 0, h = 0;
  if (!WebPGetInfo(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), &w, &h)) {
    return {0, 0};
  }
  return {w, h};
}

std::vector<std::string> SlowQueueArgs() {
  return {"--workers", "1", "--webp-method", "6", "--variant", "big:6000x6000:inside:100"};
}

std::string QueuedJob(ServerProcess& server, int blockers) {
  auto c = server.Client();
  std::vector<std::pair<std::string, std::string>> files;
  const std::string photo = MakeJpeg(6000, 4000);
  for (int i = 0; i < blockers; ++i) files.emplace_back("blocker.jpg", photo);
  files.emplace_back("queued.png", MakePng(64, 64));
  auto up = JsonBody(UploadFiles(c, files));
  REQUIRE(up["jobs"].size() == files.size());
  return up["jobs"][blockers]["id"];
}

}  // namespace edgepix::testing
