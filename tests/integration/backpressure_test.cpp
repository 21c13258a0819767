// The API never stalls and refuses what it cannot take, against the real
// binary: 503 + Retry-After on a full queue, 507 under the disk margin, 413 for
// a gzip bomb, 503 for connections beyond the bounded pool, DELETE while
// processing, retention, dedup, worker priority (slow clients: slow_clients_test.cpp).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <thread>

#include "integration/ops_process.h"
#include "integration/raw_socket.h"
#include "integration/server_harness.h"

using namespace edgepix::testing;
using Clock = std::chrono::steady_clock;

namespace {

// Every path under `dir` whose name contains `needle`.
std::vector<std::string> PathsContaining(const std::string& dir, const std::string& needle) {
  std::vector<std::string> found;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.path().string().find(needle) != std::string::npos) found.push_back(e.path().string());
  }
  return found;
}

std::string Gzip(const std::string& data) {
  z_stream zs{};
  REQUIRE(deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&zs, data.size()), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&zs, Z_FINISH) == Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

// Peak resident memory of a process, in KiB (VmHWM).
long PeakRssKb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

}  // namespace

TEST_CASE("backpressure: more than --max-queue pending jobs gets 503 with Retry-After") {
  ServerProcess server({"--workers", "1", "--max-queue", "2"});
  auto c = server.Client();
  std::vector<std::string> accepted;
  bool refused = false;
  for (int i = 0; i < 12 && !refused; ++i) {
    auto r = UploadFiles(c, {{"big.jpg", MakeJpeg(2400 + i, 1800)}});
    REQUIRE(r);
    if (r->status == 503) {
      refused = true;
      CHECK(r->get_header_value("Retry-After") != "");
      CHECK(JsonBody(r)["error"]["code"] == "queue_full");
    } else {
      REQUIRE(r->status == 202);
      accepted.push_back(JsonBody(r)["jobs"][0]["id"]);
    }
  }
  CHECK(refused);
  CHECK(accepted.size() >= 2);
  // Nothing accepted is dropped.
  for (const auto& id : accepted) CHECK(WaitForTerminal(c, id)["status"] == "COMPLETED");
}

TEST_CASE("backpressure: free disk under --min-free-mb gets 507 and stores nothing") {
  ServerProcess server({"--min-free-mb", "1000000000"});
  auto c = server.Client();
  auto r = UploadFiles(c, {{"a.png", MakePng(64, 64)}});
  REQUIRE(r);
  CHECK(r->status == 507);
  CHECK(JsonBody(r)["error"]["code"] == "disk_full");
  CHECK(JsonBody(c.Get("/api/jobs"))["jobs"].empty());
  CHECK(PathsContaining(server.data_dir() + "/originals", "").empty());
}

TEST_CASE("backpressure: a gzip bomb is cut off at --max-upload-mb without buffering it") {
  ServerProcess server({"--max-upload-mb", "2"});
  auto c = server.Client();
  // 256 MiB of a BMP-looking body that compresses to a few hundred KiB.
  std::string body = MakeBmp(64, 64);
  body.resize(256u << 20, '\0');
  const std::string bomb = Gzip(body);
  body = std::string();
  REQUIRE(bomb.size() < (2u << 20));
  const long rss_before = PeakRssKb(server.pid());
  httplib::Headers headers = {{"Content-Encoding", "gzip"}};
  auto r = c.Post("/api/uploads?filename=bomb.bmp", headers, bomb, "application/octet-stream");
  REQUIRE(r);
  INFO(r->body);
  CHECK(r->status == 413);
  CHECK(JsonBody(r)["error"]["code"] == "too_large");
  // The server did not inflate the bomb into memory (it would need 256 MiB).
  const long rss_after = PeakRssKb(server.pid());
  CHECK(rss_after - rss_before < 64 * 1024);
  CHECK(JsonBody(c.Get("/api/jobs"))["jobs"].empty());
  CHECK(PathsContaining(server.data_dir() + "/tmp", "").empty());
}

TEST_CASE("backpressure: connections beyond the pool and its backlog get 503 at once") {
  std::vector<std::string> args = SlowQueueArgs();
  for (const char* a : {"--http-threads", "4", "--http-backlog", "0"}) args.push_back(a);
  ServerProcess server(args);
  const std::string id = QueuedJob(server);
  // Four long-polls that will not be answered for 20 s hold every thread: each
  // is sent whole, then the kernel shows the server has read it (no sleeping).
  // A thread still closing the upload's connection can make a poll arrive while
  // all are busy; it is answered 503 at once, so a poll the server has answered
  // is replaced, and the extra request is made once four are held unanswered.
  auto unanswered = [](int fd) {
    char b;
    return recv(fd, &b, 1, MSG_PEEK | MSG_DONTWAIT) < 0 &&
           (errno == EAGAIN || errno == EWOULDBLOCK);
  };
  std::vector<int> polls;
  std::optional<httplib::Response> r;
  std::chrono::steady_clock::duration waited{};
  for (int round = 0; round < 20; ++round) {
    for (auto it = polls.begin(); it != polls.end();) {
      if (unanswered(*it)) {
        ++it;
      } else {
        close(*it);
        it = polls.erase(it);
      }
    }
    while (polls.size() < 4) {
      int fd = Connect(server.port());
      REQUIRE(SendAll(
          fd, "GET /api/jobs/" + id +
                  "?wait=20&since=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));
      WaitUntilServerRead(fd, 30);
      polls.push_back(fd);
    }
    auto t0 = Clock::now();
    auto extra = server.Client();
    auto answer = extra.Get("/healthz");
    waited = Clock::now() - t0;
    r.reset();
    if (answer) r = *answer;
    // Four held polls leave no thread: the 503 below. Fewer (one was refused) do.
    if (r && r->status == 503 && std::all_of(polls.begin(), polls.end(), unanswered)) break;
  }
  REQUIRE(r);
  CHECK(r->status == 503);
  CHECK(r->get_header_value("Retry-After") == "1");
  CHECK(nlohmann::json::parse(r->body, nullptr, false)["error"]["code"] == "busy");
  CHECK(waited < std::chrono::seconds(5));
  // Deleting the job ends the long-polls (404), and the server serves again.
  auto del = server.Client();
  for (int i = 0; i < 50; ++i) {
    auto d = del.Delete("/api/images/" + id);
    if (d && d->status == 204) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  for (int fd : polls) {
    CHECK(ReceiveUntilClosed(fd, 30000).rfind("HTTP/1.1 ", 0) == 0);
    close(fd);
  }
  auto after = server.Client().Get("/healthz");
  REQUIRE(after);
  CHECK(after->status == 200);
}

TEST_CASE("backpressure: DELETE while the worker runs the job leaves no file of it") {
  ServerProcess server({"--workers", "1"});
  auto c = server.Client();
  auto big = JsonBody(UploadFiles(c, {{"big.jpg", MakeJpeg(4000, 3000)}}));
  auto small = JsonBody(UploadFiles(c, {{"small.png", MakePng(64, 64)}}));
  const std::string id = big["jobs"][0]["id"];
  // Wait until it is PROCESSING (version 2).
  auto j = JsonBody(c.Get("/api/jobs/" + id + "?wait=30&since=1"));
  REQUIRE(j["status"] == "PROCESSING");
  auto del = c.Delete("/api/images/" + id);
  REQUIRE(del);
  CHECK(del->status == 204);
  // With one worker, the small job runs after the big one has finished.
  CHECK(WaitForTerminal(c, small["jobs"][0]["id"])["status"] == "COMPLETED");
  CHECK(PathsContaining(server.data_dir(), id).empty());
  CHECK(c.Get("/api/jobs/" + id)->status == 404);
  CHECK(c.Get("/v/" + id + "/thumb.webp")->status == 404);
}

TEST_CASE("backpressure: --retain deletes images older than the retention") {
  ServerProcess server({"--retain", "2s"});
  auto c = server.Client();
  auto up = JsonBody(UploadFiles(c, {{"a.png", MakePng(64, 64)}}));
  const std::string id = up["jobs"][0]["id"];
  WaitForTerminal(c, id);
  CHECK_FALSE(PathsContaining(server.data_dir(), id).empty());
  // The sweeper deletes the row first, then the files (crash-safe order: startup recovery removes
  // files without a row), so a client can see the 404 a moment before the files are gone.
  int status = 200;
  bool files_left = true;
  for (int i = 0; i < 100 && (status == 200 || files_left); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    status = c.Get("/api/jobs/" + id)->status;
    files_left = !PathsContaining(server.data_dir(), id).empty();
  }
  CHECK(status == 404);
  CHECK_FALSE(files_left);
}

TEST_CASE("backpressure: identical bytes get their own job and reuse the variants") {
  ServerProcess server;
  auto c = server.Client();
  const std::string jpeg = MakeJpeg(1200, 900);
  auto a = JsonBody(UploadFiles(c, {{"a.jpg", jpeg}}))["jobs"][0];
  auto first = WaitForTerminal(c, a["id"]);
  auto b = JsonBody(UploadFiles(c, {{"b.jpg", jpeg}}))["jobs"][0];
  CHECK(a["id"] != b["id"]);
  auto second = WaitForTerminal(c, b["id"]);
  REQUIRE(second["status"] == "COMPLETED");
  CHECK(second["filename"] == "b.jpg");
  // Served under the new id, byte-identical (processor_retry_test proves no decode).
  for (const char* v : {"thumb", "medium", "large"}) {
    auto va = c.Get("/v/" + a["id"].get<std::string>() + "/" + v + ".webp");
    auto vb = c.Get("/v/" + b["id"].get<std::string>() + "/" + v + ".webp");
    REQUIRE(va);
    REQUIRE(vb);
    CHECK(vb->status == 200);
    CHECK(va->body == vb->body);
  }
  REQUIRE(second["variants"].size() == first["variants"].size());
  for (size_t i = 0; i < first["variants"].size(); ++i) {
    for (const char* k : {"name", "width", "height", "bytes"}) {
      CHECK(second["variants"][i][k] == first["variants"][i][k]);
    }
  }
}

TEST_CASE("backpressure: worker threads run at a lower priority than the HTTP threads") {
  ServerProcess server({"--workers", "2"});
  int niced = 0, normal = 0;
  for (const auto& task :
       std::filesystem::directory_iterator("/proc/" + std::to_string(server.pid()) + "/task")) {
    std::ifstream in(task.path() / "stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // Fields after the ")" that ends the command name; nice is field 19.
    std::istringstream rest(stat.substr(stat.rfind(')') + 2));
    std::string field;
    for (int i = 3; i <= 19; ++i) rest >> field;
    (std::stoi(field) == 10 ? niced : normal)++;
  }
  CHECK(niced == 2);
  // The main thread, the HTTP connection threads started so far (they start as
  // connections need them, a few at once) and the rest, at nice 0.
  CHECK(normal >= 5);
}
