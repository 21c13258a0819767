// The start banner's addresses (issue 11): listening on 0.0.0.0 must show URLs a
// client can use, checked against the interface list of `hostname -I` (a tool
// we did not write), not 0.0.0.0 or loopback alone.
#include "cli/client_urls.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <sstream>

using edgepix::cli::ClientUrls;

namespace {

std::string Capture(const char* command) {
  std::string out;
  FILE* p = popen(command, "r");
  if (p == nullptr) return out;
  char buf[512];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

TEST_CASE("a wildcard listen address is shown as every interface address plus loopback") {
  const auto urls = ClientUrls("http", "0.0.0.0", 8080);
  INFO([&] {
    std::string all;
    for (const auto& u : urls) all += u + " ";
    return all;
  }());
  REQUIRE_FALSE(urls.empty());
  CHECK(urls.back() == "http://127.0.0.1:8080/");
  CHECK_FALSE(Contains(urls, "http://0.0.0.0:8080/"));
  // Every IPv4 address hostname(1) reports is there (it omits loopback).
  std::istringstream in(Capture("hostname -I 2>/dev/null"));
  std::string addr;
  int v4 = 0;
  while (in >> addr) {
    if (addr.find(':') != std::string::npos) continue;  // IPv6: only listed for "::"
    ++v4;
    CHECK(Contains(urls, "http://" + addr + ":8080/"));
  }
  CHECK(urls.size() == static_cast<size_t>(v4) + 1);
  if (v4 == 0) WARN("hostname -I reported no IPv4 address: only loopback was checked");
}

TEST_CASE("a specific listen address is shown as given, IPv6 in brackets") {
  CHECK(ClientUrls("http", "127.0.0.1", 80) == std::vector<std::string>{"http://127.0.0.1:80/"});
  CHECK(ClientUrls("https", "192.0.2.7", 8443) ==
        std::vector<std::string>{"https://192.0.2.7:8443/"});
  CHECK(ClientUrls("http", "::1", 8080) == std::vector<std::string>{"http://[::1]:8080/"});
  const auto any6 = ClientUrls("http", "::", 8080);
  CHECK(Contains(any6, "http://127.0.0.1:8080/"));
  CHECK(Contains(any6, "http://[::1]:8080/"));
  CHECK_FALSE(Contains(any6, "http://[::]:8080/"));
}
