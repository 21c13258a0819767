#include "cli/event_access.h"

#include "cli/data_secret.h"

namespace edgepix::cli {

bool IsLoopbackHost(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

Result<EventAccess> ApplyEventAccess(bool open, const std::string& host,
                                     const std::string& data_dir, http::AccessOptions* access) {
  EventAccess out;
  const bool has_credentials = !access->token.empty() || !access->jwt_secret.empty();
  if (open || has_credentials || IsLoopbackHost(host)) return out;
  EDGEPIX_ASSIGN_OR_RETURN(auto token, LoadOrCreateSecret(data_dir + "/owner.token"));
  access->token = token;
  out.generated_token = true;
  if (access->guest_code.empty()) {
    EDGEPIX_ASSIGN_OR_RETURN(auto code, LoadOrCreateSecret(data_dir + "/guest.code"));
    access->guest_code = code;
  }
  return out;
}

}  // namespace edgepix::cli
