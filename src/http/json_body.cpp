#include "http/json_body.h"

namespace edgepix::http {

Result<nlohmann::json> ParseJsonBody(const httplib::Request& req) {
  if (req.body.size() > kMaxJsonBodyBytes) {
    return Status::Error(ErrorCode::kTooLarge,
                         "the JSON body is over " + std::to_string(kMaxJsonBodyBytes) + " bytes");
  }
  if (req.body.find_first_not_of(" \t\r\n") == std::string::npos) return nlohmann::json::object();
  auto body = nlohmann::json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) {
    return Status::Error(ErrorCode::kBadRequest, "the body must be one JSON object");
  }
  return body;
}

}  // namespace edgepix::http
