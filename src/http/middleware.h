// Middleware: what happens around every request, before and after its route.
//
// Before routing: a request id (the client's X-Request-Id if it is 1-128
// characters of [A-Za-z0-9._:-], else a fresh random one), refusal of
// ambiguous framing and of declared bodies over the limit (request_framing.h:
// 400/411/413 and close), 405 with Allow for a known path asked with another
// method, refusal of paths
// that try to leave their route (".." segments, backslashes, '%' left after
// decoding, control or non-ASCII bytes: 400 bad_path), CORS preflight
// (OPTIONS) answers, and the access check of the matched route (401 JSON with
// WWW-Authenticate). After routing: X-Request-Id, X-Content-Type-Options:
// nosniff and CORS headers on every answer. Logging: one line per request
// (method, path without query, status, ms, bytes, request id) and per-route
// request metrics (count by status, latency histogram, bytes in and out) whose
// labels come from closed sets only (known methods else "other", route
// templates, fixed names), so clients cannot add series to /metrics.
#pragma once

#include <httplib.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "http/access.h"

namespace edgepix::http {

struct MiddlewareOptions {
  std::vector<std::string> cors_origins;  // exact origins, or "*"; empty = no CORS
  bool log_requests = true;
  // Largest declared request body; a larger Content-Length is refused (413).
  uint64_t max_body_bytes = UINT64_MAX;
  // Asked first for every request; true = `res` is filled, answer it as is.
  std::function<bool(httplib::Response&)> refuse_early;
  // Told when a request's headers have been read, and when its answer is written.
  std::function<void(const httplib::Request&)> on_request_start;
  std::function<void(const httplib::Request&)> on_request_end;
};

// `access` must outlive the server.
void InstallMiddleware(httplib::Server& server, const Access* access, MiddlewareOptions options);

// Whether `id` is acceptable as a client-supplied request id.
bool IsValidRequestId(const std::string& id);
// Whether a decoded request path is free of traversal and smuggling tricks.
bool IsCleanPath(const std::string& path);

}  // namespace edgepix::http
