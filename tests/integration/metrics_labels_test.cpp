// /metrics against hostile request lines (issue 18, item 4): the labels of the
// request metrics come from closed sets, so no unauthenticated client can make
// the exposition invalid UTF-8 or grow it by one series per request.
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <random>
#include <regex>
#include <set>
#include <sstream>

#include "integration/raw_socket.h"
#include "integration/server_harness.h"

using namespace edgepix::testing;

namespace {

// Whether `s` is well-formed UTF-8 (RFC 3629: no overlongs, surrogates or > U+10FFFF).
bool IsUtf8(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80                   ? 1
               : (c >= 0xc2 && c <= 0xdf) ? 2
               : (c >= 0xe0 && c <= 0xef) ? 3
               : (c >= 0xf0 && c <= 0xf4) ? 4
                                          : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return false;
    }
    const auto c1 = n > 1 ? static_cast<unsigned char>(s[i + 1]) : 0;
    if ((c == 0xe0 && c1 < 0xa0) || (c == 0xed && c1 > 0x9f) || (c == 0xf0 && c1 < 0x90) ||
        (c == 0xf4 && c1 > 0x8f)) {
      return false;
    }
    i += n;
  }
  return true;
}

// Sends one raw request on its own connection, ends the sending side (so the
// server, which keeps a connection open after a request it could not parse,
// sees EOF at once) and reads the answer.
void SendRaw(int port, const std::string& request) {
  int fd = Connect(port);
  SendAll(fd, request);
  shutdown(fd, SHUT_WR);
  ReceiveUntilClosed(fd, 5000);
  close(fd);
}

// The series of edgepix_http_requests_total (one line per method/route/status).
std::set<std::string> RequestSeries(const std::string& metrics) {
  std::set<std::string> out;
  std::istringstream in(metrics);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("edgepix_http_requests_total{", 0) == 0) {
      out.insert(line.substr(0, line.rfind(' ')));
    }
  }
  return out;
}

std::string Scrape(int port) {
  httplib::Client c("127.0.0.1", port);
  auto r = c.Get("/metrics");
  REQUIRE(r);
  REQUIRE(r->status == 200);
  return r->body;
}

}  // namespace

TEST_CASE("/metrics stays valid UTF-8 and bounded under hostile request lines") {
  ServerProcess server;
  const int port = server.port();
  // Known traffic first, so every legitimate series exists before the flood.
  SendRaw(port, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  SendRaw(port, "GET /no/such HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  SendRaw(port, "BREW /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  Scrape(port);  // the scrape's own series exist from now on
  const size_t baseline = RequestSeries(Scrape(port)).size();

  // The issue's poison: a request line starting with bytes that are not UTF-8.
  SendRaw(port, "\xea\xff\xfe / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  SendRaw(port, "GET\xff /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  // And many distinct methods (the issue's run used 20,000; 400 show the growth).
  std::mt19937 rng(18);
  const std::string letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  for (int i = 0; i < 400; ++i) {
    std::string method;
    for (int k = 0; k < 10; ++k) method.push_back(letters[rng() % letters.size()]);
    SendRaw(port, method + " /api/jobs HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  }

  const std::string after = Scrape(port);
  CHECK(IsUtf8(after));
  CHECK(after.find("\xea\xff\xfe") == std::string::npos);
  const auto series = RequestSeries(after);
  INFO("series before " << baseline << ", after " << series.size());
  // Answers to the flood may add a route or status value the BREW probe did not
  // see; never one series per request.
  CHECK(series.size() <= baseline + 3);
  // Every method label is one of the closed set.
  const std::regex method_label(
      R"re(method="(GET|HEAD|POST|PUT|DELETE|CONNECT|OPTIONS|TRACE|PATCH|other)")re");
  for (const auto& s : series) {
    INFO(s);
    const bool has_method = s.find("method=\"") != std::string::npos;
    CHECK((!has_method || std::regex_search(s, method_label)));
  }
}
