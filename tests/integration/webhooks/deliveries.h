// The server's webhook delivery listing (GET /api/webhooks/deliveries), read
// from tests. A delivery is marked delivered only once its 2xx has reached the
// server, i.e. after the receiver has logged the request: a test that saw the
// receiver get an event waits for the listing with WaitForDeliveries rather
// than reading it once. Uses Catch's REQUIRE; call from a test's thread.
#pragma once

#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "integration/server_harness.h"

namespace edgepix::testing {

// One read of the listing, filtered by `status` when given.
inline std::vector<nlohmann::json> Deliveries(httplib::Client& c, const std::string& status = "") {
  auto r = c.Get("/api/webhooks/deliveries" + (status.empty() ? "" : "?status=" + status));
  REQUIRE(r);
  REQUIRE(r->status == 200);
  return JsonBody(r)["deliveries"].get<std::vector<nlohmann::json>>();
}

// Polls the listing until `n` have `status` (or `seconds` pass); returns the last read.
inline std::vector<nlohmann::json> WaitForDeliveries(httplib::Client& c, const std::string& status,
                                                     size_t n, int seconds) {
  std::vector<nlohmann::json> got;
  for (int i = 0; i < seconds * 10; ++i) {
    got = Deliveries(c, status);
    if (got.size() >= n) return got;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return got;
}

}  // namespace edgepix::testing
