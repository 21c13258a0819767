#include "webhooks/config.h"

#include "jobs/retention.h"

namespace edgepix::webhooks {

std::vector<std::chrono::seconds> DefaultRetrySchedule() {
  using std::chrono::hours, std::chrono::minutes, std::chrono::seconds;
  return {seconds(5), minutes(5), minutes(30), hours(2), hours(5), hours(10), hours(10)};
}

Result<std::vector<std::chrono::seconds>> ParseRetrySchedule(const std::string& text) {
  std::vector<std::chrono::seconds> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    auto delay = ParseRetention(text.substr(start, comma - start));
    if (!delay.ok()) {
      return Status::Error(ErrorCode::kBadRequest,
                           "--webhook-retry-schedule: " + delay.status().message());
    }
    out.push_back(*delay);
    start = comma + 1;
  }
  if (out.size() > 100) {
    return Status::Error(ErrorCode::kBadRequest, "--webhook-retry-schedule: at most 100 delays");
  }
  return out;
}

Status CheckEndpointUrl(const std::string& flag, const std::string& url) {
  if (url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0) return Status::Ok();
  return Status::Error(ErrorCode::kBadRequest,
                       "--" + flag + " must be an http:// or https:// URL, got '" + url + "'");
}

Status CheckCallbackUrl(const WebhookConfig& config, const std::string& url) {
  for (const std::string& prefix : config.allow_prefixes) {
    if (!prefix.empty() && url.rfind(prefix, 0) == 0) return Status::Ok();
  }
  return Status::Error(ErrorCode::kCallbackNotAllowed,
                       "callback_url does not start with a prefix allowed by --webhook-allow");
}

}  // namespace edgepix::webhooks
