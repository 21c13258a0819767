// The OpenAPI 3.0 description of the whole HTTP API, served at
// GET /api/openapi.json. Every entry of RouteTable() has a path + method here
// (a test checks both directions and checks the real answers against it).
#pragma once

#include <string>

namespace edgepix::http {

// The document as JSON text.
const std::string& OpenApiDocument();

}  // namespace edgepix::http
