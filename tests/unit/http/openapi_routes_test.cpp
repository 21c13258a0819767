// The OpenAPI document lists exactly the routes the server registers.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "http/openapi.h"
#include "http/route_table.h"

using namespace edgepix::http;

TEST_CASE("every registered route is documented and every documented route is registered") {
  auto doc = nlohmann::json::parse(OpenApiDocument());
  std::set<std::string> documented, registered;
  for (auto& [path, item] : doc["paths"].items()) {
    for (auto& [method, op] : item.items()) {
      std::string m = method;
      for (char& ch : m) ch = static_cast<char>(std::toupper(ch));
      documented.insert(m + " " + path);
      CHECK(op.contains("responses"));
    }
  }
  for (const RouteInfo& r : RouteTable()) {
    registered.insert(r.method + " " + r.path);
    CHECK_NOTHROW(std::regex(r.pattern));
    // Protected routes document 401; public ones document their security as none.
    std::string lower = r.method;
    for (char& ch : lower) ch = static_cast<char>(std::tolower(ch));
    const auto& op = doc["paths"][r.path][lower];
    INFO(r.method << " " << r.path);
    CHECK(op["responses"].contains("401") == (r.access != RouteAccess::kPublic));
    // What a guest may not do is documented as 403 (guests never meet media routes' refusals).
    if (r.access != RouteAccess::kPublic && r.access != RouteAccess::kMedia) {
      CHECK(op["responses"].contains("403"));
    }
  }
  CHECK(documented == registered);
}

TEST_CASE("requests map to their route templates, HEAD counts as GET") {
  CHECK(MatchRoute("GET", "/api/jobs/AAAAAAAAAAAAAAAAAAAAAA")->path == "/api/jobs/{id}");
  CHECK(MatchRoute("HEAD", "/v/AAAAAAAAAAAAAAAAAAAAAA/thumb.webp")->path ==
        "/v/{id}/{variant}.webp");
  CHECK(MatchRoute("DELETE", "/api/images/abc_DEF-123")->access == RouteAccess::kProtected);
  CHECK(MatchRoute("GET", "/app.js")->access == RouteAccess::kPublic);
  CHECK(MatchRoute("GET", "/metrics")->access == RouteAccess::kProtected);
  CHECK(MatchRoute("GET", "/api/jobs")->access == RouteAccess::kProtected);
  CHECK(MatchRoute("GET", "/api/jobs/AAAAAAAAAAAAAAAAAAAAAA")->access == RouteAccess::kGuest);
  CHECK(MatchRoute("POST", "/api/jobs") == nullptr);
  CHECK(MatchRoute("GET", "/api/jobs/../x") == nullptr);
}
