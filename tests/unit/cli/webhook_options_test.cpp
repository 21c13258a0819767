// --webhook-timeout: the per-attempt bound of a webhook send (and, with
// PostgreSQL, the base of a node's claim on a delivery): 10 s by default,
// whole seconds from 1 to 3600, anything else refused naming the flag.
#include "cli/webhook_options.h"

#include <catch2/catch.hpp>

using edgepix::ErrorCode;
using namespace edgepix::cli;

namespace {

const char* const kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

auto From(std::vector<std::string> args) {
  args.insert(args.end(), {"--webhook-secret", kSecret});
  auto parsed = ParseOptions(WebhookOptionDefs(), args, {});
  REQUIRE(parsed.ok());
  return WebhookConfigFrom(*parsed, "/nonexistent-data-dir");
}

}  // namespace

TEST_CASE(
    "Webhook options: --webhook-timeout is 10 s by default, whole seconds, refused out of range",
    "[cli]") {
  auto defaults = From({});
  REQUIRE(defaults.ok());
  CHECK(defaults->timeout == std::chrono::seconds(10));
  auto three = From({"--webhook-timeout", "3"});
  REQUIRE(three.ok());
  CHECK(three->timeout == std::chrono::seconds(3));
  for (const char* bad : {"0", "3601", "2s", "x"}) {
    INFO(bad);
    auto refused = From({"--webhook-timeout", bad});
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().code() == ErrorCode::kBadRequest);
    CHECK(refused.status().message().find("--webhook-timeout") != std::string::npos);
  }
}
