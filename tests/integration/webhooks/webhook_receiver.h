// WebhookReceiver: tests/integration/webhooks/receiver.py (Python's http.server,
// hmac and base64: a signature check independent of ours) as a child process
// on a loopback port, for the webhook tests. Each request it gets is one JSON
// line in its log (see receiver.py). Not thread-safe; stopped (SIGTERM) in the
// destructor. Skips the test when python3 is missing.
#pragma once

#include <sys/types.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "unit/support/fixtures.h"

namespace edgepix::testing {

struct ReceiverOptions {
  int port = 0;  // 0 = any free port
  int fail = 0;  // answer this many requests of each webhook-id with fail_status
  int fail_status = 503;
  // Holds the first request of each webhook-id this many seconds before
  // answering it (a sender caught mid-send); later ones are answered at once.
  int delay_first_s = 0;
};

class WebhookReceiver {
 public:
  WebhookReceiver(std::string secret, ReceiverOptions options = {});
  ~WebhookReceiver();
  void Start();
  void Stop();
  int port() const { return port_; }
  std::string url(const std::string& path = "/hook") const;
  // Every request received so far (across restarts), oldest first.
  std::vector<nlohmann::json> Requests() const;
  // Polls Requests() until `done` holds or `seconds` pass; returns the last read.
  template <typename Pred>
  std::vector<nlohmann::json> WaitFor(Pred done, int seconds);

 private:
  TempDir dir_;
  std::string secret_;
  ReceiverOptions options_;
  int port_ = 0;
  pid_t pid_ = -1;
};

template <typename Pred>
std::vector<nlohmann::json> WebhookReceiver::WaitFor(Pred done, int seconds) {
  std::vector<nlohmann::json> got;
  for (int i = 0; i < seconds * 10; ++i) {
    got = Requests();
    if (done(got)) return got;
    usleep(100 * 1000);
  }
  return Requests();
}

}  // namespace edgepix::testing
