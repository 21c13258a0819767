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
// Sets the log format (--log-format); called first, so that every later line,
// errors about other options included, is written in that format.
Status ApplyLogFormat(const ParsedOptions& parsed);
// Fills the access, CORS and TLS fields of `out`. Warns (through the log) when
// the token was given as --token, which every local user can read in `ps`.
Status ApplySecurityOptions(const ParsedOptions& parsed, http::ServerOptions* out);

}  // namespace edgepix::cli
