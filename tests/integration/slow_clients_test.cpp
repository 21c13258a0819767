// Slow and idle clients cannot hold the server, against the real binary: idle
// and stalled connections are dropped, headers must arrive within
// --header-timeout (slowloris), bodies at --min-body-rate at least (408), while
// long-polls and slow-but-steady uploads are left alone.
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>
#include <thread>

#include "http/connection_watchdog.h"
#include "integration/ops_process.h"
#include "integration/raw_socket.h"
#include "integration/server_harness.h"

using namespace edgepix::testing;
using Clock = std::chrono::steady_clock;

namespace {

// Files in the data directory's tmp/ (uploads being received).
size_t TempFiles(const std::string& data_dir) {
  size_t n = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(data_dir + "/tmp")) {
    if (e.is_regular_file()) ++n;
  }
  return n;
}

std::string RawUploadHead(size_t content_length) {
  return "POST /api/uploads?filename=slow.jpg HTTP/1.1\r\nHost: x\r\n"
         "Content-Type: application/octet-stream\r\nContent-Length: " +
         std::to_string(content_length) + "\r\n\r\n";
}

// Sends `head`, then `rest` a byte every 300 ms until the server answers;
// returns the answer and how long the dribble lasted.
std::pair<std::string, Clock::duration> DribbleUntilAnswered(int port, const std::string& head,
                                                             const std::string& rest) {
  int fd = Connect(port);
  REQUIRE(SendAll(fd, head));
  const auto t0 = Clock::now();
  std::string answer;
  for (size_t i = 0; i < rest.size() && answer.empty(); ++i) {
    if (send(fd, &rest[i], 1, MSG_NOSIGNAL) != 1) break;
    answer = ReceiveUntilClosed(fd, 300);
  }
  answer += ReceiveUntilClosed(fd, 5000);
  const auto took = Clock::now() - t0;
  close(fd);
  return {answer, took};
}

// Checks a 408 answer, and that nothing of the upload was kept.
void ExpectTimedOutAndNothingStored(const ServerProcess& server, const std::string& answer,
                                    Clock::duration took) {
  INFO(answer);
  CHECK(answer.rfind("HTTP/1.1 408", 0) == 0);
  CHECK(answer.find("\"request_timeout\"") != std::string::npos);
  CHECK(took < std::chrono::seconds(15));
  // The watchdog answers; the serving thread then wakes from its read and
  // drops the upload, a moment later.
  auto c = server.Client();
  auto kept = [&] {
    size_t n = JsonBody(c.Get("/api/jobs"))["jobs"].size() + TempFiles(server.data_dir());
    for (const auto& e : std::filesystem::recursive_directory_iterator(server.data_dir())) {
      const std::string path = e.path().string();
      if (e.is_regular_file() && path.find("/tmp/") == std::string::npos &&
          e.path().filename().string().rfind("jobs.db", 0) != 0) {
        ++n;
      }
    }
    return n;
  };
  size_t left = kept();
  for (int i = 0; i < 50 && left > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    left = kept();
  }
  CHECK(left == 0);
  auto metrics = c.Get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->body.find("edgepix_http_slow_bodies_cut_total 1\n") != std::string::npos);
}

bool BodiesTimedHere() {
  if (edgepix::http::ConnectionWatchdog::KernelCountsReceivedBytes()) return true;
  Skip(
      "this kernel or emulator (qemu-user) does not report received bytes (TCP_INFO), so "
      "--min-body-rate is not enforced");
  return false;
}

}  // namespace

TEST_CASE("slow clients: idle and stalled clients are dropped after the timeouts") {
  ServerProcess server({"--read-timeout", "2"});
  SECTION("a connection that never sends a byte") {
    int fd = Connect(server.port());
    auto t0 = Clock::now();
    CHECK(ClosedByPeer(fd, 15000));
    CHECK(Clock::now() - t0 < std::chrono::seconds(12));
    close(fd);
  }
  SECTION("headers that stop half way") {
    int fd = Connect(server.port());
    std::string part = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ";
    REQUIRE(send(fd, part.data(), part.size(), 0) == static_cast<ssize_t>(part.size()));
    auto t0 = Clock::now();
    CHECK(ClosedByPeer(fd, 15000));
    CHECK(Clock::now() - t0 < std::chrono::seconds(12));
    close(fd);
  }
  auto health = server.Client().Get("/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);
}

TEST_CASE("slow clients: a client dribbling its headers (slowloris) is cut at --header-timeout") {
  // The per-read timeout (30 s) never fires for a byte every 300 ms; only the
  // whole-header deadline can stop it. Four such clients hold the whole pool.
  ServerProcess server({"--http-threads", "4", "--http-backlog", "0", "--read-timeout", "30",
                        "--header-timeout", "2"});
  std::string headers = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ";
  headers += std::string(200, 'a');  // 60+ s worth of bytes at this pace
  std::vector<std::future<std::pair<bool, Clock::duration>>> slow;
  for (int i = 0; i < 4; ++i) {
    slow.push_back(std::async(std::launch::async, [&server, &headers] {
      int fd = Connect(server.port());
      auto t0 = Clock::now();
      bool cut = DribbleUntilClosed(fd, headers, 300);
      auto took = Clock::now() - t0;
      close(fd);
      return std::make_pair(cut, took);
    }));
  }
  for (auto& f : slow) {
    auto [cut, took] = f.get();
    CHECK(cut);
    CHECK(took < std::chrono::seconds(20));
  }
  // The pool is free again, and the cuts are counted.
  auto health = server.Client().Get("/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);
  auto metrics = server.Client().Get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->body.find("edgepix_http_connections_cut_total 4\n") != std::string::npos);
}

TEST_CASE("slow clients: bad --header-timeout or --min-body-rate values stop serve at once") {
  // --header-timeout takes 1..3600 seconds, --min-body-rate 0..2^30 bytes/s.
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"header-timeout", "0"}, {"header-timeout", "3601"}, {"header-timeout", "ten"},
      {"min-body-rate", "-1"}, {"min-body-rate", "fast"},  {"min-body-rate", "1073741825"}};
  TempDir tmp;
  for (const auto& [flag, value] : bad) {
    INFO("--" << flag << " " << value);
    const std::string log = tmp.Join("serve.log");
    const int status =
        RunShell(EdgepixShellCommand() + " serve --listen 127.0.0.1:0 --data " + tmp.Join("data") +
                 " --" + flag + " " + value + " > " + log + " 2>&1");
    CHECK(status == 2);  // the exit code for bad arguments
    std::ifstream in(log);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(text.find(flag) != std::string::npos);
  }
}

TEST_CASE("slow clients: a long-poll outlives --header-timeout (only headers are timed)") {
  std::vector<std::string> args = SlowQueueArgs();
  for (const char* a : {"--header-timeout", "1"}) args.push_back(a);
  ServerProcess server(args);
  // Photo-sized jobs ahead keep this one PENDING for seconds. Should it change
  // anyway (a fast machine), a poll answers early with the new version, and the
  // next poll waits on that one: every answer is either a change or the end of
  // a full wait, and at least one full wait must pass uncut.
  const std::string id = QueuedJob(server, 3);
  auto poll = server.Client();
  poll.set_read_timeout(30, 0);
  int64_t version = 1;
  bool waited_in_full = false;
  for (int round = 0; round < 6 && !waited_in_full; ++round) {
    auto t0 = Clock::now();
    auto r = poll.Get("/api/jobs/" + id + "?wait=2&since=" + std::to_string(version));
    REQUIRE(r);  // not cut at --header-timeout
    REQUIRE(r->status == 200);
    const auto job = JsonBody(r);
    const int64_t now_version = job["version"];
    if (now_version == version) {
      // Unchanged: only the end of the 2 s wait may have answered it.
      CHECK(Clock::now() - t0 >= std::chrono::milliseconds(1500));
      waited_in_full = true;
    } else {
      if (job["status"] == "COMPLETED" || job["status"] == "FAILED") break;
      version = now_version;
    }
  }
  CHECK(waited_in_full);
  // The same keep-alive connection still serves a second request.
  auto again = poll.Get("/api/jobs/" + id);
  REQUIRE(again);
  CHECK(again->status == 200);
}

TEST_CASE("slow clients: a body slower than --min-body-rate gets 408 and nothing is stored") {
  if (!BodiesTimedHere()) return;
  // 2 s windows at 1000 B/s; the body then comes at about 3 bytes a second,
  // which the per-read timeout (30 s) alone would never stop.
  ServerProcess server(
      {"--header-timeout", "2", "--min-body-rate", "1000", "--read-timeout", "30"});
  const std::string jpeg = MakeJpeg(640, 480);
  auto [answer, took] = DribbleUntilAnswered(
      server.port(), RawUploadHead(jpeg.size()) + jpeg.substr(0, 1000), jpeg.substr(1000));
  ExpectTimedOutAndNothingStored(server, answer, took);
}

TEST_CASE("slow clients: a multipart body stalling after a complete file gets 408, keeps nothing") {
  if (!BodiesTimedHere()) return;
  // The first file arrives whole (and is stored), the second stalls: the client
  // is answered 408, so the first one was never acknowledged and is withdrawn.
  ServerProcess server(
      {"--header-timeout", "2", "--min-body-rate", "1000", "--read-timeout", "30"});
  const std::string png = MakePng(64, 64);
  const std::string jpeg = MakeJpeg(640, 480);
  const std::string boundary = "edgepixslowboundary";
  const std::string first =
      "--" + boundary +
      "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n"
      "Content-Type: image/png\r\n\r\n" +
      png + "\r\n";
  const std::string second_head =
      "--" + boundary +
      "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"b.jpg\"\r\n"
      "Content-Type: image/jpeg\r\n\r\n";
  const std::string tail = "\r\n--" + boundary + "--\r\n";
  const size_t length = first.size() + second_head.size() + jpeg.size() + tail.size();
  const std::string head =
      "POST /api/uploads HTTP/1.1\r\nHost: x\r\n"
      "Content-Type: multipart/form-data; boundary=" +
      boundary + "\r\nContent-Length: " + std::to_string(length) + "\r\n\r\n";
  auto [answer, took] = DribbleUntilAnswered(
      server.port(), head + first + second_head + jpeg.substr(0, 1000), jpeg.substr(1000) + tail);
  ExpectTimedOutAndNothingStored(server, answer, took);
}

TEST_CASE("slow clients: a slow but steady body above --min-body-rate is accepted") {
  // The same limits; the body comes in 20 pieces over about 5 s (2.5 windows),
  // several kB a second, so it must not be cut.
  ServerProcess server({"--header-timeout", "2", "--min-body-rate", "1000"});
  const std::string jpeg = MakeJpeg(640, 480);
  REQUIRE(jpeg.size() > 20 * 500);
  int fd = Connect(server.port());
  REQUIRE(SendAll(fd, RawUploadHead(jpeg.size())));
  const size_t piece = jpeg.size() / 20 + 1;
  for (size_t at = 0; at < jpeg.size(); at += piece) {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    REQUIRE(SendAll(fd, jpeg.substr(at, piece)));
  }
  const std::string answer = ReceiveUntilClosed(fd, 10000);
  close(fd);
  INFO(answer);
  REQUIRE(answer.rfind("HTTP/1.1 202", 0) == 0);
  auto c = server.Client();
  auto jobs = JsonBody(c.Get("/api/jobs"));
  REQUIRE(jobs["jobs"].size() == 1);
  CHECK(WaitForTerminal(c, jobs["jobs"][0]["id"])["status"] == "COMPLETED");
  auto metrics = c.Get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->body.find("edgepix_http_slow_bodies_cut_total 0\n") != std::string::npos);
}
