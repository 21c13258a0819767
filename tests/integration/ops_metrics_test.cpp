// Operations against the real binary: /metrics changes with traffic, /readyz
// reports readiness, request ids are echoed or made, logs are one line per
// request and per job transition, as text or JSON.
#include <catch2/catch.hpp>
#include <chrono>
#include <regex>
#include <sstream>
#include <thread>

#include "integration/ops_process.h"
#include "integration/security_support.h"
#include "integration/server_harness.h"

using namespace edgepix::testing;

namespace {

// The value of the first sample line that starts with `series` (name plus labels), or -1.
double Sample(const std::string& metrics, const std::string& series) {
  std::istringstream in(metrics);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  }
  return -1;
}

std::string Scrape(httplib::Client& c) {
  auto r = c.Get("/metrics");
  REQUIRE(r);
  REQUIRE(r->status == 200);
  CHECK(r->get_header_value("Content-Type").rfind("text/plain; version=0.0.4", 0) == 0);
  return r->body;
}

bool HttpReady(int port) {
  httplib::Client c("127.0.0.1", port);
  c.set_connection_timeout(1);
  auto r = c.Get("/healthz");
  return r && r->status == 200;
}

}  // namespace

TEST_CASE("/metrics changes after uploads, refusals and failures") {
  ServerProcess server({"--workers", "1"});
  auto c = server.Client();
  std::string before = Scrape(c);
  CHECK(Sample(before, "edgepix_queue_depth") == 0);
  CHECK(Sample(before, "edgepix_jobs{status=\"COMPLETED\"}") == 0);

  std::string png = MakePng(300, 200);
  std::string broken = png;
  for (size_t i = 60; i < broken.size() - 20; ++i) broken[i] = static_cast<char>(i * 7);
  auto up = UploadFiles(c, {{"ok.png", png}, {"broken.png", broken}});
  REQUIRE(up->status == 202);
  auto jobs = JsonBody(up)["jobs"];
  REQUIRE(jobs.size() == 2);
  auto ok = WaitForTerminal(c, jobs[0]["id"]);
  auto bad = WaitForTerminal(c, jobs[1]["id"]);
  CHECK(ok["status"] == "COMPLETED");
  CHECK(UploadFiles(c, {{"x.txt", "just text"}})->status == 415);
  CHECK(c.Get("/v/" + ok["id"].get<std::string>() + "/thumb.webp")->status == 200);

  // Requests are counted once answered, and a job's metrics just after its
  // state is committed (a client may see COMPLETED first), so wait until the
  // last request (the variant GET) and both jobs are counted.
  auto settled = [](const std::string& m) {
    return Sample(m, "edgepix_http_response_bytes_total{route=\"/v/{id}/{variant}.webp\"}") > 0 &&
           Sample(m, "edgepix_job_transitions_total{status=\"COMPLETED\"}") +
                   Sample(m, "edgepix_job_transitions_total{status=\"FAILED\"}") ==
               2;
  };
  std::string after = Scrape(c);
  for (int i = 0; i < 250 && !settled(after); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    after = Scrape(c);
  }
  INFO(after);
  CHECK(Sample(after, "edgepix_uploads_accepted_total") == 2);
  CHECK(Sample(after, "edgepix_upload_bytes_total") == png.size() + broken.size());
  CHECK(Sample(after, "edgepix_uploads_refused_total{code=\"unsupported_format\"}") == 1);
  CHECK(Sample(
            after,
            "edgepix_http_requests_total{method=\"POST\",route=\"/api/uploads\",status=\"202\"}") ==
        1);
  CHECK(Sample(
            after,
            "edgepix_http_requests_total{method=\"POST\",route=\"/api/uploads\",status=\"415\"}") ==
        1);
  CHECK(
      Sample(
          after,
          "edgepix_http_request_duration_seconds_count{method=\"POST\",route=\"/api/uploads\"}") ==
      2);
  CHECK(Sample(after, "edgepix_http_request_bytes_total{route=\"/api/uploads\"}") >
        static_cast<double>(png.size()));
  CHECK(Sample(after, "edgepix_http_response_bytes_total{route=\"/v/{id}/{variant}.webp\"}") > 0);
  CHECK(Sample(after, "edgepix_queue_depth") == 0);
  CHECK(Sample(after, "edgepix_jobs{status=\"PENDING\"}") == 0);
  const double completed = Sample(after, "edgepix_jobs{status=\"COMPLETED\"}");
  const double failed = Sample(after, "edgepix_jobs{status=\"FAILED\"}");
  CHECK(completed + failed == 2);
  CHECK(Sample(after, "edgepix_pipeline_seconds_count{outcome=\"ok\"}") == completed);
  CHECK(Sample(after, "edgepix_variant_bytes_total{variant=\"thumb\"}") > 0);
  CHECK(Sample(after, "edgepix_variant_seconds_count") == completed);
  if (bad["status"] == "FAILED") {
    const std::string code = bad["error"]["code"];
    CHECK(Sample(after, "edgepix_job_failures_total{code=\"" + code + "\"}") == 1);
  }
  // Histogram buckets are cumulative and end at +Inf == count.
  CHECK(Sample(after,
               "edgepix_http_request_duration_seconds_bucket{method=\"POST\",route=\"/api/"
               "uploads\",le=\"+Inf\"}") == 2);
  // Unknown routes share one label value (no cardinality explosion from scanners).
  c.Get("/random/scanner/path/1");
  c.Get("/random/scanner/path/2");
  // Requests are counted once answered (after the bytes went out), so allow the
  // last one a moment to be recorded.
  const std::string unmatched =
      "edgepix_http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"}";
  double seen = 0;
  for (int i = 0; i < 100 && (seen = Sample(Scrape(c), unmatched)) < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK(seen == 2);
}

TEST_CASE("/readyz: ready with a writable database and room on disk, 503 otherwise") {
  SECTION("ready") {
    ServerProcess server;
    auto c = server.Client();
    auto r = c.Get("/readyz");
    auto body = JsonBody(r);
    CHECK(r->status == 200);
    CHECK(body["checks"]["database"] == "ok");
    CHECK(body["checks"]["disk"] == "ok");
  }
  SECTION("not enough free disk (--min-free-mb beyond the volume)") {
    ServerProcess server({"--min-free-mb", "1000000000"});
    auto c = server.Client();
    auto r = c.Get("/readyz");
    auto body = JsonBody(r);
    CHECK(r->status == 503);
    CHECK(body["error"]["code"] == "not_ready");
    CHECK(r->has_header("Retry-After"));
    CHECK(c.Get("/healthz")->status == 200);  // alive, just not ready
  }
}

TEST_CASE("X-Request-Id: a valid one is echoed, anything else is replaced") {
  ServerProcess server;
  const int port = server.port();
  auto id_of = [](const RawResponse& r) {
    std::smatch m;
    std::regex re("x-request-id: ([^\r\n]*)");
    return std::regex_search(r.headers, m, re) ? m[1].str() : std::string();
  };
  CHECK(id_of(RawGet(port, "/healthz", "X-Request-Id: abc-123.DEF_4:5\r\n")) == "abc-123.def_4:5");
  for (const std::string& bad : {std::string(129, 'a'), std::string("has space"),
                                 std::string("quote\"d"), std::string("<script>"),
                                 std::string("a\x01"
                                             "b")}) {
    auto got = id_of(RawGet(port, "/healthz", "X-Request-Id: " + bad + "\r\n"));
    INFO(bad);
    CHECK(std::regex_match(got, std::regex("[0-9a-f]{16}")));
  }
  auto a = id_of(RawGet(port, "/healthz")), b = id_of(RawGet(port, "/healthz"));
  CHECK(a.size() == 16);
  CHECK(a != b);
  // Errors carry one too.
  CHECK(id_of(RawGet(port, "/no/such/route")).size() == 16);
}

TEST_CASE("logs: one line per request and per job transition, text or JSON") {
  SECTION("text") {
    OpsProcess server({"--workers", "1"}, HttpReady);
    httplib::Client c("127.0.0.1", server.port());
    auto up = UploadFiles(c, {{"a.png", MakePng(40, 30)}});
    const std::string id = JsonBody(up)["jobs"][0]["id"];
    WaitForTerminal(c, id);
    RawGet(server.port(), "/healthz?secret=1", "X-Request-Id: trace-me-42\r\n");
    RawGet(server.port(), "/no\x7fsuch");
    std::string log = server.Log();
    INFO(log);
    CHECK(std::regex_search(
        log,
        std::regex(
            R"(request method=POST path=/api/uploads status=202 ms=[0-9.]+ bytes=[0-9]+ id=[0-9a-f]{16})")));
    CHECK(log.find("request method=GET path=/healthz status=200") != std::string::npos);
    CHECK(log.find("id=trace-me-42") != std::string::npos);
    CHECK(log.find("secret=1") == std::string::npos);  // query strings are not logged
    CHECK(log.find("job id=" + id + " status=PENDING") != std::string::npos);
    CHECK(log.find("job id=" + id + " status=PROCESSING") != std::string::npos);
    CHECK(log.find("job id=" + id + " status=COMPLETED") != std::string::npos);
    // Every log line is a line: a control byte in a path cannot start a forged one.
    CHECK(log.find("\x7f") == std::string::npos);
  }
  SECTION("json") {
    OpsProcess server({"--workers", "1", "--log-format", "json"}, HttpReady);
    httplib::Client c("127.0.0.1", server.port());
    auto up = UploadFiles(c, {{"a.png", MakePng(40, 30)}});
    const std::string id = JsonBody(up)["jobs"][0]["id"];
    WaitForTerminal(c, id);
    std::istringstream in(server.Log());
    std::string line;
    int requests = 0, transitions = 0;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] != '{') continue;  // the start-up banner
      auto j = nlohmann::json::parse(line, nullptr, false);
      REQUIRE_FALSE(j.is_discarded());
      CHECK(j.contains("ts"));
      if (j["event"] == "request") {
        ++requests;
        CHECK(j["status"].is_number());
        CHECK(j["ms"].is_number());
        CHECK(j["id"].is_string());
      }
      if (j["event"] == "job" && j["id"] == id) ++transitions;
    }
    CHECK(requests >= 2);
    CHECK(transitions >= 3);  // PENDING, PROCESSING, COMPLETED
  }
  SECTION("--quiet logs nothing per request") {
    OpsProcess server({"--quiet"}, HttpReady);
    RawGet(server.port(), "/healthz");
    CHECK(server.Log().find("request method=") == std::string::npos);
  }
}
