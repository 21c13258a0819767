#include "webhooks/signer.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <stdexcept>

#include "http/crypto.h"

namespace edgepix::webhooks {

Result<std::string> WebhookKeyFromSecret(const std::string& secret) {
  const std::string prefix = "whsec_";
  if (secret.rfind(prefix, 0) != 0) {
    return Status::Error(ErrorCode::kBadRequest, "a webhook secret looks like whsec_<base64>");
  }
  auto key = Base64Decode(std::string_view(secret).substr(prefix.size()));
  if (!key || key->size() < 16) {
    return Status::Error(ErrorCode::kBadRequest,
                         "a webhook secret is whsec_ and the base64 of at least 16 bytes");
  }
  return *key;
}

std::string NewWebhookSecret() {
  std::string bytes(32, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), 32) != 1) {
    throw std::runtime_error("the OS random generator failed");
  }
  return "whsec_" + Base64Encode(bytes);
}

std::string SignWebhook(std::string_view key, std::string_view id, int64_t timestamp,
                        std::string_view body) {
  std::string data;
  data.reserve(id.size() + body.size() + 24);
  data.append(id).append(".").append(std::to_string(timestamp)).append(".").append(body);
  return "v1," + Base64Encode(http::HmacSha256(key, data));
}

}  // namespace edgepix::webhooks
