#include "http/middleware.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <memory>

#include "common/log.h"
#include "common/metrics.h"
#include "http/crypto.h"
#include "http/request_framing.h"
#include "http/responses.h"
#include "http/route_table.h"

namespace edgepix::http {
namespace {

// One connection is served by one thread from pre-routing to the logger.
struct RequestState {
  bool active = false;
  std::chrono::steady_clock::time_point start;
  std::string route = "unmatched";
};
thread_local RequestState t_request;

struct RequestMetrics {
  metrics::Family& requests = metrics::Registry::Default().Counter(
      "edgepix_http_requests_total", "HTTP requests answered, by route and status",
      {"method", "route", "status"});
  metrics::Family& latency = metrics::Registry::Default().Histogram(
      "edgepix_http_request_duration_seconds",
      "Time from the request's headers to the last byte of the answer", {"method", "route"},
      metrics::LatencyBuckets());
  metrics::Family& bytes_in = metrics::Registry::Default().Counter(
      "edgepix_http_request_bytes_total", "Request body bytes received (Content-Length)",
      {"route"});
  metrics::Family& bytes_out = metrics::Registry::Default().Counter(
      "edgepix_http_response_bytes_total", "Response body bytes sent (known lengths)", {"route"});
};

RequestMetrics& Metrics() {
  static RequestMetrics m;
  return m;
}

// The method as a metrics label: one of the methods HTTP defines, else "other".
// A closed set, so a client cannot add series (or non-UTF-8 bytes) to /metrics.
std::string MethodLabel(const std::string& method) {
  static const char* const kKnown[] = {"GET",     "HEAD",    "POST",  "PUT",  "DELETE",
                                       "CONNECT", "OPTIONS", "TRACE", "PATCH"};
  for (const char* known : kKnown) {
    if (method == known) return method;
  }
  return "other";
}

bool OriginAllowed(const MiddlewareOptions& o, const std::string& origin) {
  if (origin.empty()) return false;
  for (const auto& allowed : o.cors_origins) {
    if (allowed == "*" || allowed == origin) return true;
  }
  return false;
}

void AddCorsHeaders(const MiddlewareOptions& o, const httplib::Request& req,
                    httplib::Response& res) {
  const std::string origin = req.get_header_value("Origin");
  if (!OriginAllowed(o, origin) || res.has_header("Access-Control-Allow-Origin")) return;
  res.set_header("Access-Control-Allow-Origin", origin);
  res.set_header("Vary", "Origin");
  res.set_header("Access-Control-Expose-Headers", "ETag, Retry-After, X-Request-Id");
}

}  // namespace

bool IsValidRequestId(const std::string& id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == ':' || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool IsCleanPath(const std::string& path) {
  if (path.empty() || path[0] != '/') return false;
  for (unsigned char c : path) {
    if (c < 0x21 || c >= 0x7f || c == '\\' || c == '%') return false;
  }
  // ".." as a segment, or "//" (an empty segment some stacks read as a root).
  if (path.find("//") != std::string::npos) return false;
  size_t pos = 0;
  while ((pos = path.find("..", pos)) != std::string::npos) {
    bool seg_start = path[pos - 1] == '/';
    bool seg_end = pos + 2 == path.size() || path[pos + 2] == '/';
    if (seg_start && seg_end) return false;
    pos += 2;
  }
  return true;
}

void InstallMiddleware(httplib::Server& server, const Access* access, MiddlewareOptions o) {
  auto options = std::make_shared<MiddlewareOptions>(std::move(o));
  Metrics();  // register the families before the first scrape

  server.set_pre_routing_handler(
      [access, options](const httplib::Request& req, httplib::Response& res) {
        t_request = RequestState{true, std::chrono::steady_clock::now(), "unmatched"};
        if (options->on_request_start) options->on_request_start(req);
        if (options->refuse_early && options->refuse_early(res)) {
          t_request.route = "overflow";
          return httplib::Server::HandlerResponse::Handled;
        }
        const std::string incoming = req.get_header_value("X-Request-Id");
        res.set_header("X-Request-Id", IsValidRequestId(incoming) ? incoming : RandomHex(8));
        // Framing before anything else reads the request: its body may not be read.
        if (auto refusal = CheckFraming(req, options->max_body_bytes)) {
          t_request.route = "invalid";
          SendFramingRefusal(res, *refusal);
          return httplib::Server::HandlerResponse::Handled;
        }
        if (!IsCleanPath(req.path)) {
          t_request.route = "invalid";
          SendError(res, Status::Error(ErrorCode::kBadPath,
                                       "the path contains a forbidden sequence ('..', '\\\\', '%', "
                                       "'//' or a control or non-ASCII byte)"));
          return httplib::Server::HandlerResponse::Handled;
        }
        if (req.method == "OPTIONS") {
          t_request.route = "preflight";
          res.status = 204;
          res.set_header("Allow", "GET, HEAD, POST, DELETE, OPTIONS");
          if (OriginAllowed(*options, req.get_header_value("Origin"))) {
            res.set_header("Access-Control-Allow-Methods", "GET, HEAD, POST, DELETE, OPTIONS");
            res.set_header("Access-Control-Allow-Headers",
                           "Authorization, Content-Type, If-None-Match, X-Request-Id");
            res.set_header("Access-Control-Max-Age", "600");
          }
          return httplib::Server::HandlerResponse::Handled;
        }
        const RouteInfo* route = MatchRoute(req.method, req.path);
        if (route == nullptr) {
          const std::string allow = AllowedMethods(req.path);
          if (allow.empty()) return httplib::Server::HandlerResponse::Unhandled;
          res.set_header("Allow", allow);
          SendError(res, Status::Error(ErrorCode::kMethodNotAllowed, req.method +
                                                                         " is not served at this "
                                                                         "path (Allow: " +
                                                                         allow + ")"));
          return httplib::Server::HandlerResponse::Handled;
        }
        t_request.route = route->path;
        Status allowed = access->Authorize(route->access, req, UnixNow());
        if (!allowed.ok() && allowed.code() != ErrorCode::kUnauthorized) {
          SendError(res, allowed);  // a guest asking for what only the owner may
          return httplib::Server::HandlerResponse::Handled;
        }
        if (!allowed.ok()) {
          std::string challenge = "Bearer realm=\"edgepix\"";
          if (req.has_header("Authorization") || req.has_param("sig")) {
            challenge += ", error=\"invalid_token\"";
          }
          res.set_header("WWW-Authenticate", challenge);
          SendError(res, allowed);
          return httplib::Server::HandlerResponse::Handled;
        }
        return httplib::Server::HandlerResponse::Unhandled;
      });

  server.set_post_routing_handler([options](const httplib::Request& req, httplib::Response& res) {
    if (!res.has_header("X-Request-Id")) res.set_header("X-Request-Id", RandomHex(8));
    if (!res.has_header("X-Content-Type-Options")) {
      res.set_header("X-Content-Type-Options", "nosniff");
    }
    AddCorsHeaders(*options, req, res);
  });

  server.set_logger([options](const httplib::Request& req, const httplib::Response& res) {
    RequestState state = t_request;
    t_request.active = false;
    if (options->on_request_end) options->on_request_end(req);
    double seconds = 0;
    if (state.active) {
      seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - state.start).count();
    } else {
      state.route = "unparsed";
    }
    const std::string method = req.method.empty() ? "-" : req.method;
    const std::string status = std::to_string(res.status);
    const uint64_t out = res.body.size() + res.content_length_;
    const uint64_t in = std::max<uint64_t>(
        req.body.size(),
        std::strtoull(req.get_header_value("Content-Length").c_str(), nullptr, 10));
    // Labels come from closed sets only: MethodLabel, the route table's
    // templates and the fixed route names above, and the status number.
    const std::string method_label = MethodLabel(req.method);
    RequestMetrics& m = Metrics();
    m.requests.Add({method_label, state.route, status});
    m.latency.Observe({method_label, state.route}, seconds);
    if (in > 0) m.bytes_in.Add({state.route}, static_cast<double>(in));
    if (out > 0) m.bytes_out.Add({state.route}, static_cast<double>(out));
    if (options->log_requests) {
      log::Event("request", {{"method", method},
                             {"path", req.path},
                             {"status", static_cast<int64_t>(res.status)},
                             {"ms", seconds * 1000.0},
                             {"bytes", static_cast<int64_t>(out)},
                             {"id", res.get_header_value("X-Request-Id")},
                             {"remote", req.remote_addr}});
    }
  });
}

}  // namespace edgepix::http
