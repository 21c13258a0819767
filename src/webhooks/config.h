// WebhookConfig: where events go and how deliveries are retried, as the
// serve command's flags set it (--webhook, --webhook-allow, --webhook-secret,
// --webhook-retry-schedule). A batch's callback_url must start with one of
// the allow prefixes (by default the --webhook URLs themselves), so a client
// cannot make the server call arbitrary hosts. Values; pure functions.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "common/status.h"

namespace edgepix::webhooks {

struct WebhookConfig {
  std::vector<std::string> endpoints;       // every event goes to each of these
  std::vector<std::string> allow_prefixes;  // for batches' callback_url
  std::string key;                          // HMAC key (decoded whsec_ secret)
  // Delays between attempts after each failure; one more failure is dead.
  std::vector<std::chrono::seconds> retry_schedule;
  std::chrono::seconds timeout{10};
};

// 5s,5m,30m,2h,5h,10h,10h (the Standard Webhooks schedule).
std::vector<std::chrono::seconds> DefaultRetrySchedule();
// "1s,2s,4s" (units as --retain: s, m, h, d, w); kBadRequest when malformed.
Result<std::vector<std::chrono::seconds>> ParseRetrySchedule(const std::string& text);
// An http:// or https:// URL; kBadRequest naming the flag otherwise.
Status CheckEndpointUrl(const std::string& flag, const std::string& url);
// OK when `url` starts with one of config.allow_prefixes; kCallbackNotAllowed
// otherwise.
Status CheckCallbackUrl(const WebhookConfig& config, const std::string& url);

}  // namespace edgepix::webhooks
