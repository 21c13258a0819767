#include "http/grant_tokens.h"

#include "common/name_rules.h"
#include "http/crypto.h"

namespace edgepix::http {
namespace {

std::string Mac(const std::string& key, const std::string& id) {
  return HmacSha256(key, "edgepix upload grant v1\n" + id);
}

}  // namespace

std::string GrantTokens::Sign(const std::string& grant_id) const {
  return grant_id + "." + Base64UrlEncode(Mac(key_, grant_id));
}

Result<std::string> GrantTokens::Verify(const std::string& token) const {
  const Status tampered = Status::Error(ErrorCode::kGrantInvalid,
                                        "tampered: the upload grant's signature does not match");
  const size_t dot = token.find('.');
  if (dot == std::string::npos || token.size() > 256) return tampered;
  const std::string id = token.substr(0, dot);
  auto sig = Base64UrlDecode(std::string_view(token).substr(dot + 1));
  if (!IsValidImageId(id) || !sig || !ConstantTimeEquals(*sig, Mac(key_, id))) return tampered;
  return id;
}

}  // namespace edgepix::http
