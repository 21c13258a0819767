// HttpServer::Stop() is never lost: not when it comes before Listen() (a
// SIGTERM during a long startup recovery), nor when it races with Listen()'s
// start, nor when it comes while the server serves.
#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <thread>

#include "http/server.h"

namespace edgepix::http {
namespace {

ServerOptions LoopbackAnyPort() {
  ServerOptions o;
  o.host = "127.0.0.1";
  o.port = 0;
  o.http_threads = 4;
  o.log_requests = false;
  return o;
}

// Stops the server when the scope ends, so a failed check cannot leave a future
// waiting forever for a Listen() that nothing stops.
struct StopOnExit {
  HttpServer* server;
  ~StopOnExit() { server->Stop(); }
};

// Runs Listen() on its own thread; the future is ready when Listen returned.
std::future<Status> ListenAsync(HttpServer* server) {
  return std::async(std::launch::async, [server] { return server->Listen(); });
}

}  // namespace

TEST_CASE("HttpServer: Stop() before Listen() makes Listen() return at once") {
  HttpServer server(HttpContext{}, LoopbackAnyPort());
  REQUIRE(server.Bind().ok());
  server.Stop();
  auto listened = ListenAsync(&server);
  StopOnExit guard{&server};
  REQUIRE(listened.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
  CHECK(listened.get().ok());
}

TEST_CASE("HttpServer: Stop() racing with the start of Listen() is never lost") {
  // Each round starts Listen() and Stop() together, with Stop() delayed by a
  // few microseconds more each time, so the rounds sweep across Listen()'s start.
  for (int round = 0; round < 200; ++round) {
    INFO("round " << round);
    HttpServer server(HttpContext{}, LoopbackAnyPort());
    REQUIRE(server.Bind().ok());
    std::promise<void> go;
    std::shared_future<void> start = go.get_future().share();
    auto listened = std::async(std::launch::async, [&] {
      start.wait();
      return server.Listen();
    });
    StopOnExit guard{&server};
    auto stopped = std::async(std::launch::async, [&, round] {
      start.wait();
      std::this_thread::sleep_for(std::chrono::microseconds(round * 5));
      server.Stop();
    });
    go.set_value();
    stopped.get();
    REQUIRE(listened.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
    CHECK(listened.get().ok());
  }
}

TEST_CASE("HttpServer: Stop() while serving ends Listen() cleanly") {
  HttpServer server(HttpContext{}, LoopbackAnyPort());
  auto port = server.Bind();
  REQUIRE(port.ok());
  auto listened = ListenAsync(&server);
  StopOnExit guard{&server};
  httplib::Client client("127.0.0.1", *port);
  bool answered = false;
  for (int i = 0; i < 200 && !answered; ++i) {
    auto r = client.Get("/no-such-route");
    answered = r && r->status == 404;
    if (!answered) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  REQUIRE(answered);
  server.Stop();
  REQUIRE(listened.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
  CHECK(listened.get().ok());
}

}  // namespace edgepix::http
