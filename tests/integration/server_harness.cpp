#include "integration/server_harness.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <webp/decode.h>

#include <catch2/catch.hpp>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include "unit/support/skip.h"

namespace edgepix::testing {

namespace {
// A server that answers and closes while a test is still sending must not kill
// the test process; the write error is reported through the client's result.
const bool kIgnoreSigpipe = [] {
  signal(SIGPIPE, SIG_IGN);
  return true;
}();

std::string DescribeStatus(int status) {
  if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  return "waitpid status " + std::to_string(status);
}
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
  if (pid_ > 0) {
    Stop();
  } else if (std::filesystem::exists(log_path())) {
    CheckServerLog(log_path(), "server");  // last run was killed on purpose
  }
}

std::string SanitizerReport(const std::string& log_text) {
  // What ASan, LSan, UBSan and TSan print first; MSan for completeness.
  static const char* const kMarkers[] = {"ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                                         "runtime error:",          "WARNING: ThreadSanitizer",
                                         "ERROR: ThreadSanitizer",  "WARNING: MemorySanitizer"};
  for (const char* marker : kMarkers) {
    size_t at = log_text.find(marker);
    if (at == std::string::npos) continue;
    size_t begin = log_text.rfind('\n', at);
    begin = begin == std::string::npos ? 0 : begin + 1;
    return log_text.substr(begin, log_text.find('\n', at) - begin);
  }
  return "";
}

std::string KeepLogArtifact(const std::string& log_path, const std::string& tag) {
  namespace fs = std::filesystem;
  // Beside the binary under test (build-*/test-artifacts) unless told otherwise.
  const char* env = std::getenv("EDGEPIX_TEST_ARTIFACTS");
  const char* bin = std::getenv("EDGEPIX_BIN");
  fs::path dir = env && *env   ? fs::path(env)
                 : bin && *bin ? fs::path(bin).parent_path() / "test-artifacts"
                               : fs::current_path() / "test-artifacts";
  std::string name = CurrentTestName();
  for (char& ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  static int serial = 0;
  fs::path dest = dir / (name.substr(0, 100) + "-" + tag + "-" + std::to_string(getpid()) + "-" +
                         std::to_string(++serial) + ".log");
  std::error_code ec;
  fs::create_directories(dir, ec);
  fs::copy_file(log_path, dest, fs::copy_options::overwrite_existing, ec);
  if (ec) {
    std::printf("server log NOT kept (%s -> %s: %s)\n", log_path.c_str(), dest.c_str(),
                ec.message().c_str());
    return "";
  }
  std::printf("server log kept: %s\n", dest.c_str());
  std::fflush(stdout);
  return dest.string();
}

namespace {

// The server's end of the loopback connection whose client end is `client_fd`,
// read from /proc/net/tcp: {found, rx_queue}.
std::pair<bool, unsigned long> ServerEndRxQueue(int client_fd) {
  sockaddr_in local{}, peer{};
  socklen_t len = sizeof(local);
  if (getsockname(client_fd, reinterpret_cast<sockaddr*>(&local), &len) != 0) return {false, 0};
  len = sizeof(peer);
  if (getpeername(client_fd, reinterpret_cast<sockaddr*>(&peer), &len) != 0) return {false, 0};
  const unsigned client_port = ntohs(local.sin_port), server_port = ntohs(peer.sin_port);
  FILE* f = std::fopen("/proc/net/tcp", "r");
  if (!f) return {false, 0};
  char line[512];
  std::pair<bool, unsigned long> out{false, 0};
  while (std::fgets(line, sizeof(line), f)) {
    unsigned lport = 0, rport = 0, state = 0;
    unsigned long tx = 0, rx = 0;
    // "  0: 0100007F:1F90 0100007F:D2A4 01 00000000:00000000 ..."
    if (std::sscanf(line, " %*d: %*8x:%x %*8x:%x %x %lx:%lx", &lport, &rport, &state, &tx, &rx) !=
        5) {
      continue;
    }
    if (lport == server_port && rport == client_port && state == 1 /* ESTABLISHED */) {
      out = {true, rx};
      break;
    }
  }
  std::fclose(f);
  return out;
}

}  // namespace

bool WaitUntilServerRead(int client_fd, int seconds) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    auto [found, rx] = ServerEndRxQueue(client_fd);
    if (found && rx == 0) return true;
    // Answered (a refusal) or closed: it will never be held.
    char b;
    if (recv(client_fd, &b, 1, MSG_PEEK | MSG_DONTWAIT) >= 0) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

bool WaitForExit(pid_t pid, int seconds, int* status) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid, status, WNOHANG) == pid) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

namespace {

// Keeps the log when `problem` is set or the test failed; records `problem`.
bool Report(const std::string& log_path, const std::string& tag, const std::string& problem) {
  const bool failing = !problem.empty() || CurrentTestFailed() || std::uncaught_exceptions() > 0;
  std::string kept = failing ? KeepLogArtifact(log_path, tag) : "";
  if (!problem.empty()) FAIL_CHECK(problem << " (server log: " << kept << ")");
  return problem.empty();
}

}  // namespace

bool CheckServerLog(const std::string& log_path, const std::string& tag) {
  std::string report = SanitizerReport(ReadFileOrDie(log_path));
  return Report(log_path, tag, report.empty() ? "" : "sanitizer report in server log: " + report);
}

bool StopServer(pid_t pid, const std::string& log_path) {
  std::string problem;
  ::kill(pid, SIGTERM);
  int status = 0;
  if (!WaitForExit(pid, kStopSeconds, &status)) {
    ::kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    problem = "server still running " + std::to_string(kStopSeconds) + " s after SIGTERM";
  } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    problem = "server stopped by SIGTERM with " + DescribeStatus(status) + ", not exit status 0";
  }
  std::string report = SanitizerReport(ReadFileOrDie(log_path));
  if (!report.empty()) {
    problem += (problem.empty() ? "" : "; ") + std::string("sanitizer report: ") + report;
  }
  return Report(log_path, "pid" + std::to_string(pid), problem);
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
      KeepLogArtifact(log, "start");
      throw std::runtime_error("edgepix exited at start (" + DescribeStatus(status) +
                               "); log: " + ReadFileOrDie(log));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  KeepLogArtifact(log, "start");
  throw std::runtime_error("edgepix did not become ready within 30 s; log: " + ReadFileOrDie(log));
}

void ServerProcess::Start() {
  port_ = FreeLoopbackPort();
  std::vector<std::string> args = {"--listen", "127.0.0.1:" + std::to_string(port_), "--data",
                                   data_dir_, "--quiet"};
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  pid_ = SpawnEdgepixServe(args, log_path(), port_, [](int port) {
    httplib::Client c("127.0.0.1", port);
    c.set_connection_timeout(1);
    auto r = c.Get("/healthz");
    return r && r->status == 200;
  });
}

bool ServerProcess::Stop() {
  if (pid_ <= 0) return true;
  const pid_t pid = pid_;
  pid_ = -1;
  return StopServer(pid, log_path());
}

int ServerProcess::Kill(int signal) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, signal);
  int status = 0;
  if (!WaitForExit(pid_, kStopSeconds, &status)) {
    ::kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
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
  // Each blocker differs: identical bytes would reuse the first one's variants
  // (dedup) and finish at once, leaving the queued job nothing to wait behind.
  for (int i = 0; i < blockers; ++i) files.emplace_back("blocker.jpg", MakeJpeg(6000 - i, 4000));
  files.emplace_back("queued.png", MakePng(64, 64));
  auto up = JsonBody(UploadFiles(c, files));
  REQUIRE(up["jobs"].size() == files.size());
  return up["jobs"][blockers]["id"];
}

}  // namespace edgepix::testing
