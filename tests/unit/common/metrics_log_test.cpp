// The Prometheus registry's exposition text and the log line formats.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "common/log.h"
#include "common/metrics.h"

using namespace edgepix;

TEST_CASE("counters, gauges and histograms render in the text exposition format") {
  metrics::Registry r;
  auto& c = r.Counter("t_requests_total", "Requests", {"route", "status"});
  c.Add({"/a", "200"});
  c.Add({"/a", "200"}, 2);
  c.Add({"/b\"x\n", "404"});
  c.Add({"/a", "200"}, -5);  // counters never go down
  auto& g = r.Gauge("t_depth", "Depth");
  g.Set({}, 7);
  g.Add({}, -2);
  auto& h = r.Histogram("t_seconds", "Latency", {"m"}, {0.1, 1});
  h.Observe({"GET"}, 0.05);
  h.Observe({"GET"}, 0.5);
  h.Observe({"GET"}, 5);
  CHECK(&r.Counter("t_requests_total", "again", {"route", "status"}) == &c);

  const std::string text = r.Render();
  CHECK(text.find("# TYPE t_requests_total counter\n") != std::string::npos);
  CHECK(text.find("t_requests_total{route=\"/a\",status=\"200\"} 3\n") != std::string::npos);
  CHECK(text.find(R"(t_requests_total{route="/b\"x\n",status="404"} 1)") != std::string::npos);
  CHECK(text.find("t_depth 5\n") != std::string::npos);
  CHECK(text.find("# TYPE t_seconds histogram\n") != std::string::npos);
  CHECK(text.find("t_seconds_bucket{m=\"GET\",le=\"0.1\"} 1\n") != std::string::npos);
  CHECK(text.find("t_seconds_bucket{m=\"GET\",le=\"1\"} 2\n") != std::string::npos);
  CHECK(text.find("t_seconds_bucket{m=\"GET\",le=\"+Inf\"} 3\n") != std::string::npos);
  CHECK(text.find("t_seconds_sum{m=\"GET\"} 5.55\n") != std::string::npos);
  CHECK(text.find("t_seconds_count{m=\"GET\"} 3\n") != std::string::npos);
  CHECK(h.Count({"GET"}) == 3);
  CHECK(c.Value({"/a", "200"}) == 3);
}

TEST_CASE("log lines: text quotes hostile values, JSON is one object per line") {
  log::SetFormat(log::Format::kText);
  std::string text = log::FormatEvent(
      "request", {{"path", "/a b\n2026 request forged=1"}, {"status", int64_t{200}}, {"ms", 1.25}});
  CHECK(text.find('\n') == std::string::npos);
  CHECK(text.find(R"(path="/a b\n2026 request forged=1")") != std::string::npos);
  CHECK(text.find(" status=200 ms=1.2") != std::string::npos);
  log::SetFormat(log::Format::kJson);
  std::string json = log::FormatEvent("job", {{"id", "abc"}, {"status", "FAILED"}});
  log::SetFormat(log::Format::kText);
  auto j = nlohmann::json::parse(json);
  CHECK(j["event"] == "job");
  CHECK(j["id"] == "abc");
  CHECK(j["status"] == "FAILED");
  CHECK(j.contains("ts"));
}

TEST_CASE("label values that are not UTF-8 render as U+FFFD, valid UTF-8 is kept") {
  metrics::Registry r;
  auto& c = r.Counter("t_labels_total", "Labels", {"v"});
  c.Add({"\xea\xff\xfe"});         // the bytes of issue 18's poisoned request line
  c.Add({"caf\xc3\xa9"});          // é, valid
  c.Add({"\xc0\xaf"});             // overlong '/'
  c.Add({"a\xed\xa0\x80"});        // a UTF-16 surrogate
  c.Add({"\xf0\x9f\x93\xb7 ok"});  // 📷, valid
  const std::string text = r.Render();
  CHECK(text.find("\xea\xff\xfe") == std::string::npos);
  CHECK(text.find("t_labels_total{v=\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"} 1\n") !=
        std::string::npos);
  CHECK(text.find("t_labels_total{v=\"caf\xc3\xa9\"} 1\n") != std::string::npos);
  CHECK(text.find("t_labels_total{v=\"\xef\xbf\xbd\xef\xbf\xbd\"} 1\n") != std::string::npos);
  CHECK(text.find("t_labels_total{v=\"a\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"} 1\n") !=
        std::string::npos);
  CHECK(text.find("t_labels_total{v=\"\xf0\x9f\x93\xb7 ok\"} 1\n") != std::string::npos);
}
