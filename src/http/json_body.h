// Reading a small JSON request body (the create calls of batches and grants).
// Pure; thread-safe.
#pragma once

#include <httplib.h>

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace edgepix::http {

inline constexpr size_t kMaxJsonBodyBytes = 64 * 1024;

// The body as a JSON object: an empty body is {}; kBadRequest for anything
// that is not one object, kTooLarge over kMaxJsonBodyBytes.
Result<nlohmann::json> ParseJsonBody(const httplib::Request& req);

}  // namespace edgepix::http
