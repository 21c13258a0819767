// --log-format json (issue 11): every line the server writes, from start-up to
// the end of a SIGTERM shutdown, warnings and the banner included, is one JSON
// object. Log shippers parse each line; one plain-text line breaks them.
#include <signal.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <set>
#include <sstream>

#include "integration/security_support.h"
#include "integration/server_harness.h"

using namespace edgepix::testing;

TEST_CASE("log format json: every line from start to SIGTERM parses as JSON") {
  TempDir temp;
  const std::string log = temp.Join("server.log");
  const std::string token = "json-log-test-token-0123456789";
  const int port = FreeLoopbackPort();
  // --token on the command line: the server warns about it (through the log).
  pid_t pid = SpawnEdgepixServe(
      {"--listen", "127.0.0.1:" + std::to_string(port), "--data", temp.Join("data"), "--workers",
       "1", "--log-format", "json", "--token", token},
      log, port, [](int p) {
        httplib::Client c("127.0.0.1", p);
        c.set_connection_timeout(1);
        auto r = c.Get("/healthz");
        return r && r->status == 200;
      });
  {
    httplib::Client c("127.0.0.1", port);
    c.set_bearer_token_auth(token.c_str());
    auto up = UploadFiles(c, {{"a.png", MakePng(40, 30)}, {"b.txt", "not an image"}});
    REQUIRE(up);
    REQUIRE(up->status == 202);
    WaitForTerminal(c, JsonBody(up)["jobs"][0]["id"]);
    // Unauthorized, unknown, hostile bytes in the path and in the method.
    RawGet(port, "/api/jobs");
    RawGet(port, "/no/such/route");
    RawGet(port, "/bad\xff\x01path");
    RawGet(port, "/healthz", "", "\xea\xff\xfe");
  }
  REQUIRE(::kill(pid, SIGTERM) == 0);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);

  const std::string text = ReadFileOrDie(log);
  INFO(text);
  std::istringstream in(text);
  std::string line;
  std::set<std::string> events;
  int lines = 0;
  while (std::getline(in, line)) {
    ++lines;
    INFO("line " << lines << ": " << line);
    auto j = nlohmann::json::parse(line, nullptr, false);
    REQUIRE_FALSE(j.is_discarded());
    REQUIRE(j.is_object());
    CHECK(j["ts"].is_string());
    REQUIRE(j["event"].is_string());
    events.insert(j["event"].get<std::string>());
  }
  // The start-up warning, the banner, requests, job transitions and the shutdown.
  for (const char* e : {"warning", "serving", "request", "job", "shutdown"}) {
    INFO(e);
    CHECK(events.count(e) == 1);
  }
}
