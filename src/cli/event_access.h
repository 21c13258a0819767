// EventAccess: who may use a server that strangers' phones can reach.
//
// A server listening on a loopback address stays open to all (a laptop on its
// own). On any other address (0.0.0.0, ::, a LAN address) without --token,
// --token-file, --jwt-secret or --open, edgepix makes an owner token and a
// guest code at first start, keeps them in the data directory (owner.token
// and guest.code, mode 0600, see cli/data_secret.h) and uses the same ones on
// every later start; the banner prints the links holding them. --open keeps
// the server open to all explicitly. --guest-code CODE sets the guest code.
// Not thread-safe; called once at start-up.
#pragma once

#include <string>

#include "common/status.h"
#include "http/access.h"

namespace edgepix::cli {

// "127.0.0.1" (any 127/8), "::1", "localhost".
bool IsLoopbackHost(const std::string& host);

struct EventAccess {
  bool generated_token = false;  // the owner token came from the data directory
};

// Completes `access` (already filled from the security flags) for `host`.
Result<EventAccess> ApplyEventAccess(bool open, const std::string& host,
                                     const std::string& data_dir, http::AccessOptions* access);

}  // namespace edgepix::cli
