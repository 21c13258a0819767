// Joining from a phone against the real binary: /api/join lists the guest
// link, /api/join.svg draws it as a QR code that zbarimg (Debian zbar-tools)
// decodes, after rsvg-convert (librsvg2-bin) made a PNG of it, to that link.
#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>

#include "integration/security_support.h"
#include "integration/server_harness.h"

using namespace edgepix::testing;

namespace {

const std::string kToken = "owner-token-for-the-join-test";
const std::string kGuestCode = "join-the-party-42";
const httplib::Headers kOwner = {{"Authorization", "Bearer " + kToken}};

std::string Run(const std::string& command) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (!p) return out;
  char buf[512];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  ::pclose(p);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

bool Have(const char* tool) {
  return std::system((std::string("command -v ") + tool + " >/dev/null 2>&1").c_str()) == 0;
}

}  // namespace

TEST_CASE("the join QR code decodes to the guest link") {
  if (!Have("zbarimg") || !Have("rsvg-convert")) {
    Skip("zbarimg (zbar-tools) or rsvg-convert (librsvg2-bin) is not installed");
    return;
  }
  ServerProcess server({"--token", kToken, "--guest-code", kGuestCode});
  auto c = server.Client();
  const std::string link =
      "http://127.0.0.1:" + std::to_string(server.port()) + "/?g=" + kGuestCode;

  auto page = c.Get("/join");
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(page->get_header_value("Content-Type").rfind("text/html", 0) == 0);

  CHECK(c.Get("/api/join")->status == 401);
  CHECK(c.Get("/api/join.svg")->status == 401);
  auto links = JsonBody(c.Get("/api/join", kOwner));
  REQUIRE(links["links"].size() == 1);
  CHECK(links["links"][0]["host"] == "127.0.0.1");
  CHECK(links["links"][0]["url"] == link);
  CHECK(c.Get("/api/join.svg?host=10.9.9.9", kOwner)->status == 404);

  // The guest who arrived through the link may show it to the next one.
  auto joined = c.Get("/?g=" + kGuestCode);
  REQUIRE(joined->status == 303);
  const std::string cookie = joined->get_header_value("Set-Cookie");
  const httplib::Headers as_guest = {{"Cookie", cookie.substr(0, cookie.find(';'))}};
  CHECK(c.Get("/api/join", as_guest)->status == 200);

  for (const auto& headers : {kOwner, as_guest}) {
    auto svg = c.Get("/api/join.svg?host=127.0.0.1", headers);
    REQUIRE(svg);
    REQUIRE(svg->status == 200);
    CHECK(svg->get_header_value("Content-Type") == "image/svg+xml");
    TempDir dir;
    {
      std::ofstream out(dir.Join("join.svg"), std::ios::binary);
      out << svg->body;
    }
    REQUIRE(Run("rsvg-convert -w 800 -h 800 -o " + dir.Join("join.png") + " " +
                dir.Join("join.svg") + " && echo ok") == "ok");
    CHECK(Run("zbarimg --raw -q " + dir.Join("join.png") + " 2>/dev/null") == link);
  }
}
