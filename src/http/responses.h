// Helpers every route uses to answer: JSON bodies, JSON errors, and the
// server-wide handlers that turn any other 4xx/5xx (unknown route, malformed
// request, exception) into {"error":{"code","message"}}.
#pragma once

#include <httplib.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "common/status.h"

namespace edgepix::http {

void SendJson(httplib::Response& res, int status, const nlohmann::json& body);
// The JSON text of an error answer: {"error":{"code","message"}}.
std::string ErrorBody(const Status& error);
// Status code (HttpStatusFor) and body from `error` (must not be OK). Adds
// Retry-After for 503 unless the handler set one.
void SendError(httplib::Response& res, const Status& error);
// Installs the error and exception handlers on `server`.
void InstallJsonErrorHandlers(httplib::Server& server);

// A client-supplied filename made safe to keep as metadata: only its last path
// component (after '/' or '\\'), control bytes dropped, invalid UTF-8 (overlong
// forms included) replaced by U+FFFD, at most 255 bytes; "upload" if nothing is left.
std::string CleanFilename(const std::string& name);

// Parses an optional integer query parameter. nullopt if absent; error if malformed.
Result<std::optional<int64_t>> IntParam(const httplib::Request& req, const std::string& name,
                                        int64_t min, int64_t max);

// Whether an If-None-Match header value matches `etag` (a quoted entity tag).
bool EtagMatches(const std::string& if_none_match, const std::string& etag);

}  // namespace edgepix::http
