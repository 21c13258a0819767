// Stopping `edgepix serve` with signals, the way Ctrl-C and `systemctl stop` do:
// the first SIGINT/SIGTERM stops it gracefully (exit 0), a second one stops it at
// once even while the graceful stop waits for a stalled request. Runs under
// qemu-user too (scripts/cross-build.sh), where a sigwait-based server never saw
// the signal.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>

#include "integration/server_harness.h"

namespace edgepix::testing {
namespace {

bool Healthy(int port) {
  httplib::Client c("127.0.0.1", port);
  c.set_connection_timeout(1);
  auto r = c.Get("/healthz");
  return r && r->status == 200;
}

struct Child {
  pid_t pid;
  ~Child() {
    if (pid > 0) {
      ::kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
  }
};

}  // namespace

TEST_CASE("serve: SIGTERM or SIGINT stops the server gracefully with exit status 0") {
  const int sig = GENERATE(SIGTERM, SIGINT);
  INFO("signal " << sig);
  TempDir temp;
  int port = FreeLoopbackPort();
  Child child{SpawnEdgepixServe(
      {"--listen", "127.0.0.1:" + std::to_string(port), "--data", temp.Join("data")},
      temp.Join("server.log"), port, Healthy)};
  REQUIRE(::kill(child.pid, sig) == 0);
  int status = 0;
  bool exited = WaitForExit(child.pid, 60, &status);
  INFO("log: " << ReadFileOrDie(temp.Join("server.log")));
  REQUIRE(exited);
  child.pid = -1;
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(ReadFileOrDie(temp.Join("server.log"))
            .find("signal " + std::to_string(sig) + ", shutting down") != std::string::npos);
  CheckServerLog(temp.Join("server.log"), "server");
}

TEST_CASE("serve: a second signal stops a server whose graceful stop waits on a stalled upload") {
  TempDir temp;
  int port = FreeLoopbackPort();
  Child child{SpawnEdgepixServe({"--listen", "127.0.0.1:" + std::to_string(port), "--data",
                                 temp.Join("data"), "--quiet", "--read-timeout", "300"},
                                temp.Join("server.log"), port, Healthy)};
  // An upload that sends its headers and a little of its body, then goes silent:
  // its connection thread waits up to --read-timeout for the rest.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
  std::string head =
      "POST /api/uploads HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 1000000\r\n\r\n"
      "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jpg\"\r\n\r\n";
  REQUIRE(send(fd, head.data(), head.size(), 0) == static_cast<ssize_t>(head.size()));
  // A connection thread has read it and now waits for the rest of the body.
  REQUIRE(WaitUntilServerRead(fd, 30));

  REQUIRE(::kill(child.pid, SIGTERM) == 0);
  // The second signal only counts once the first was taken (pending signals merge).
  const std::string log = temp.Join("server.log");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (ReadFileOrDie(log).find("shutting down") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  REQUIRE(ReadFileOrDie(log).find("signal 15, shutting down") != std::string::npos);
  int status = 0;
  if (WaitForExit(child.pid, 1, &status)) {
    child.pid = -1;
    close(fd);
    CheckServerLog(log, "server");
    EDGEPIX_SKIP("the graceful stop did not wait for the stalled upload; nothing left to test");
  }
  REQUIRE(::kill(child.pid, SIGTERM) == 0);
  // Far less than the 300 s the stalled upload could still hold the graceful stop.
  bool exited = WaitForExit(child.pid, 30, &status);
  close(fd);
  INFO("log: " << ReadFileOrDie(log));
  REQUIRE(exited);
  child.pid = -1;
  CHECK(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGTERM);
  // Killed by the signal, so no leak report can come; anything else would show.
  CheckServerLog(log, "server");
}

}  // namespace edgepix::testing
