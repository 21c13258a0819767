// What follows one webhook attempt: delivered (any 2xx), dead (410 Gone, which
// also disables the endpoint until restart, or the schedule used up), or
// another attempt after the schedule's next delay, or after Retry-After when
// the answer asks for longer. Pure function; thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include "webhooks/sender.h"

namespace edgepix::webhooks {

struct AttemptDecision {
  bool delivered = false;
  bool dead = false;
  bool disable_endpoint = false;  // 410 Gone
  int64_t delay_ms = 0;           // before the next attempt, when neither
};

// `attempt` counts this one (1 = the first).
AttemptDecision DecideAfterAttempt(int attempt, const std::vector<std::chrono::seconds>& schedule,
                                   const SendResult& sent);

}  // namespace edgepix::webhooks
