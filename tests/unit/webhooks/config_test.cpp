// Webhook settings: the retry schedule's syntax and the callback_url allow list.
#include "webhooks/config.h"

#include <catch2/catch.hpp>

using namespace edgepix;
using namespace edgepix::webhooks;
using std::chrono::seconds;

TEST_CASE("config: retry schedules parse like --retain, comma-separated") {
  auto s = ParseRetrySchedule("1s,2s,4m,1h");
  REQUIRE(s.ok());
  CHECK(*s == std::vector<seconds>{seconds(1), seconds(2), seconds(240), seconds(3600)});
  CHECK(DefaultRetrySchedule().size() == 7);
  CHECK(DefaultRetrySchedule().front() == seconds(5));
  CHECK(DefaultRetrySchedule().back() == seconds(36000));
  for (const char* bad : {"", "1s,", ",1s", "1x", "0s", "-1s", "1s,,2s"}) {
    INFO(bad);
    auto r = ParseRetrySchedule(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == ErrorCode::kBadRequest);
  }
}

TEST_CASE("config: a callback_url must start with an allowed prefix") {
  WebhookConfig config;
  auto refused = CheckCallbackUrl(config, "http://127.0.0.1:9/");
  CHECK(refused.code() == ErrorCode::kCallbackNotAllowed);
  config.allow_prefixes = {"https://app.example/hooks/", ""};
  CHECK(CheckCallbackUrl(config, "https://app.example/hooks/edgepix").ok());
  CHECK(CheckCallbackUrl(config, "https://app.example/other").code() ==
        ErrorCode::kCallbackNotAllowed);
  CHECK(CheckCallbackUrl(config, "https://app.example.evil/hooks/").code() ==
        ErrorCode::kCallbackNotAllowed);
  CHECK(CheckEndpointUrl("webhook", "http://x/").ok());
  CHECK_FALSE(CheckEndpointUrl("webhook", "ftp://x/").ok());
}
