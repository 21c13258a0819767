#include "webhooks/signer.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <stdexcept>

#include "http/crypto.h"

namespace edgepix::webhooks {

std::string Base64Encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::optional<std::string> Base64Decode(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    const bool pad =
        c == '=' && i + 2 >= text.size() && (i + 1 == text.size() || text.back() == '=');
    if (!alnum && c != '+' && c != '/' && !pad) return std::nullopt;
  }
  std::string out(3 * text.size() / 4, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  size_t pads = 0;
  if (text.back() == '=') ++pads;
  if (text.size() >= 2 && text[text.size() - 2] == '=') ++pads;
  out.resize(static_cast<size_t>(n) - pads);  // EVP_DecodeBlock counts padding as zeros
  return out;
}

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
