#include "webhooks/retry_policy.h"

#include <algorithm>

namespace edgepix::webhooks {

AttemptDecision DecideAfterAttempt(int attempt, const std::vector<std::chrono::seconds>& schedule,
                                   const SendResult& sent) {
  AttemptDecision d;
  if (sent.ok()) {
    d.delivered = true;
  } else if (sent.http_status == 410) {
    d.dead = true;
    d.disable_endpoint = true;
  } else if (attempt > static_cast<int>(schedule.size()) || attempt < 1) {
    d.dead = true;
  } else {
    d.delay_ms = schedule[attempt - 1].count() * 1000;
    if (sent.retry_after_s > 0)
      d.delay_ms = std::max<int64_t>(d.delay_ms, sent.retry_after_s * 1000LL);
  }
  return d;
}

}  // namespace edgepix::webhooks
