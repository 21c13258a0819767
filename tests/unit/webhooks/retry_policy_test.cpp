// After each attempt: 2xx delivered, 410 dead and the endpoint disabled, the
// schedule's delays in order then dead, Retry-After waited for when longer.
#include "webhooks/retry_policy.h"

#include <catch2/catch.hpp>

using namespace edgepix::webhooks;
using std::chrono::seconds;

namespace {

SendResult Answer(int status, int retry_after = -1) {
  SendResult r;
  r.http_status = status;
  r.retry_after_s = retry_after;
  if (!r.ok()) r.error = "HTTP " + std::to_string(status);
  return r;
}

}  // namespace

TEST_CASE("retry policy: the schedule, then dead, and any 2xx delivers") {
  const std::vector<seconds> schedule = {seconds(5), seconds(300), seconds(1800)};
  for (int status : {200, 201, 204, 299})
    CHECK(DecideAfterAttempt(3, schedule, Answer(status)).delivered);
  CHECK(DecideAfterAttempt(4, schedule, Answer(200)).delivered);  // a late success still counts
  CHECK(DecideAfterAttempt(1, schedule, Answer(503)).delay_ms == 5000);
  CHECK(DecideAfterAttempt(2, schedule, Answer(0)).delay_ms == 300000);  // no answer at all
  CHECK(DecideAfterAttempt(3, schedule, Answer(302)).delay_ms ==
        1800000);  // redirects not followed
  auto last = DecideAfterAttempt(4, schedule, Answer(500));
  CHECK(last.dead);
  CHECK_FALSE(last.delivered);
  CHECK_FALSE(last.disable_endpoint);
  CHECK(DecideAfterAttempt(1, {}, Answer(503)).dead);
}

TEST_CASE("retry policy: Retry-After is waited for when longer, and 410 disables the endpoint") {
  const std::vector<seconds> schedule = {seconds(5), seconds(300)};
  CHECK(DecideAfterAttempt(1, schedule, Answer(429, 60)).delay_ms == 60000);
  CHECK(DecideAfterAttempt(2, schedule, Answer(503, 60)).delay_ms == 300000);
  auto gone = DecideAfterAttempt(1, schedule, Answer(410));
  CHECK(gone.dead);
  CHECK(gone.disable_endpoint);
}
