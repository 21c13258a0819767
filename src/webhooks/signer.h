// Standard Webhooks signatures (https://www.standardwebhooks.com/): a message
// is signed as "v1," + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")),
// the key being the base64-decoded part of a "whsec_<base64>" secret.
// Standard (padded) base64 (http/crypto.h), as the specification says.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "http/crypto.h"

namespace edgepix::webhooks {

// Standard base64 with padding: http/crypto.h's.
using http::Base64Decode;
using http::Base64Encode;

// The key bytes of "whsec_<base64>" (at least 16 bytes); kBadRequest otherwise.
Result<std::string> WebhookKeyFromSecret(const std::string& secret);
// A fresh "whsec_<base64 of 32 random bytes>" from the OS CSPRNG.
std::string NewWebhookSecret();
// "v1,<base64 signature>" of one attempt.
std::string SignWebhook(std::string_view key, std::string_view id, int64_t timestamp,
                        std::string_view body);

}  // namespace edgepix::webhooks
