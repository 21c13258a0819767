// The OpenAPI 3.1 description of the whole HTTP API, served at
// GET /api/openapi.json. Every entry of RouteTable() has a path + method here
// (a unit test checks both directions; tests/openapi validates real answers
// against it with python3-jsonschema). Thread-safe: built once, then read-only.
#pragma once

#include <string>

namespace edgepix::http {

// The document as JSON text.
const std::string& OpenApiDocument();

}  // namespace edgepix::http
