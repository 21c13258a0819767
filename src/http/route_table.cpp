#include "http/route_table.h"

#include <cstdio>
#include <cstdlib>
#include <regex>

#include "common/log.h"
#include "common/name_rules.h"

namespace edgepix::http {
namespace {

// Path parameters capture exactly what common/name_rules.h accepts, so a
// malformed id or variant name matches no route (404) on every path alike.
std::string IdGroup() { return "(" + ImageIdPattern() + ")"; }
std::string VariantGroup() { return "(" + VariantNamePattern() + ")"; }

struct CompiledRoute {
  const RouteInfo* info;
  std::regex re;
};

const std::vector<CompiledRoute>& Compiled() {
  static const std::vector<CompiledRoute> compiled = [] {
    std::vector<CompiledRoute> out;
    for (const RouteInfo& r : RouteTable()) out.push_back({&r, std::regex(r.pattern)});
    return out;
  }();
  return compiled;
}

}  // namespace

const std::vector<RouteInfo>& RouteTable() {
  static const std::vector<RouteInfo> table = {
      {"POST", "/api/uploads", "/api/uploads", RouteAccess::kUpload},
      {"POST", "/api/upload-grants", "/api/upload-grants", RouteAccess::kProtected},
      {"POST", "/api/batches", "/api/batches", RouteAccess::kProtected},
      {"GET", "/api/batches", "/api/batches", RouteAccess::kProtected},
      {"GET", "/api/batches/{id}", "/api/batches/" + IdGroup(), RouteAccess::kProtected},
      {"GET", "/api/batches/{id}/events", "/api/batches/" + IdGroup() + "/events",
       RouteAccess::kProtected},
      {"POST", "/api/batches/{id}/complete", "/api/batches/" + IdGroup() + "/complete",
       RouteAccess::kProtected},
      {"DELETE", "/api/batches/{id}", "/api/batches/" + IdGroup(), RouteAccess::kProtected},
      {"GET", "/api/webhooks/deliveries", "/api/webhooks/deliveries", RouteAccess::kProtected},
      {"POST", "/api/webhooks/deliveries/{id}/retry",
       R"(/api/webhooks/deliveries/(msg_[0-9a-f]{1,64})/retry)", RouteAccess::kProtected},
      {"GET", "/api/events", "/api/events", RouteAccess::kWall},
      {"GET", "/api/download.zip", R"(/api/download\.zip)", RouteAccess::kLink},
      {"GET", "/api/download-link", "/api/download-link", RouteAccess::kProtected},
      {"GET", "/api/jobs", "/api/jobs", RouteAccess::kProtected},
      {"GET", "/api/jobs/{id}", "/api/jobs/" + IdGroup(), RouteAccess::kGuest},
      {"GET", "/api/jobs/{id}/events", "/api/jobs/" + IdGroup() + "/events", RouteAccess::kGuest},
      {"DELETE", "/api/images/{id}", "/api/images/" + IdGroup(), RouteAccess::kProtected},
      {"POST", "/api/images/{id}/approve", "/api/images/" + IdGroup() + "/approve",
       RouteAccess::kProtected},
      {"POST", "/api/images/{id}/hide", "/api/images/" + IdGroup() + "/hide",
       RouteAccess::kProtected},
      {"GET", "/v/{id}/{variant}.webp", "/v/" + IdGroup() + "/" + VariantGroup() + R"(\.webp)",
       RouteAccess::kMedia},
      {"GET", "/o/{id}", "/o/" + IdGroup(), RouteAccess::kMedia},
      {"GET", "/healthz", "/healthz", RouteAccess::kPublic},
      {"GET", "/readyz", "/readyz", RouteAccess::kPublic},
      {"GET", "/metrics", "/metrics", RouteAccess::kProtected},
      {"GET", "/api/openapi.json", "/api/openapi.json", RouteAccess::kPublic},
      {"GET", "/", "/", RouteAccess::kPublic},
      {"GET", "/join", "/join", RouteAccess::kPublic},
      {"GET", "/api/event", "/api/event", RouteAccess::kPublic},
      {"GET", "/api/join", "/api/join", RouteAccess::kGuest},
      {"GET", "/api/join.svg", R"(/api/join\.svg)", RouteAccess::kWall},
      {"GET", "/wall", "/wall", RouteAccess::kPublic},
      {"GET", "/api/wall", "/api/wall", RouteAccess::kProtected},
      {"GET", "/{asset}", R"(/([A-Za-z0-9_-][A-Za-z0-9._-]{0,63}\.(html|css|js|svg|png|ico|json)))",
       RouteAccess::kPublic},
  };
  return table;
}

const std::string& RoutePattern(const std::string& method, const std::string& path) {
  for (const RouteInfo& r : RouteTable()) {
    if (r.method == method && r.path == path) return r.pattern;
  }
  log::Error("route " + method + " " + path + " is not in the route table");
  std::abort();
}

const RouteInfo* MatchRoute(const std::string& method, const std::string& request_path) {
  const std::string m = method == "HEAD" ? "GET" : method;
  for (const CompiledRoute& c : Compiled()) {
    if (c.info->method == m && std::regex_match(request_path, c.re)) return c.info;
  }
  return nullptr;
}

std::string AllowedMethods(const std::string& request_path) {
  std::string allow;
  for (const CompiledRoute& c : Compiled()) {
    if (!std::regex_match(request_path, c.re)) continue;
    const std::string& m = c.info->method;
    if (allow.find(m) != std::string::npos) continue;
    allow += (allow.empty() ? "" : ", ") + m + (m == "GET" ? ", HEAD" : "");
  }
  return allow.empty() ? allow : allow + ", OPTIONS";
}

}  // namespace edgepix::http
