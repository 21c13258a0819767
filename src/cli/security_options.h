// The `serve` flags for security and operations: authentication, private media,
// CORS, TLS and the log format. Parsed into the HTTP server's options; every
// inconsistency (a token file that cannot be read, only one of cert/key,
// --private without credentials) is an error naming the flag.
#pragma once

#include <vector>

#include "cli/options.h"
#include "common/status.h"
#include "http/server.h"

namespace edgepix::cli {

std::vector<OptionDef> SecurityOptionDefs();
// Fills the access, CORS and TLS fields of `out` and sets the log format.
Status ApplySecurityOptions(const ParsedOptions& parsed, http::ServerOptions* out);

}  // namespace edgepix::cli
