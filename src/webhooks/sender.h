// Sender: one webhook POST through libcurl. No redirects are followed, the
// whole exchange is bounded by `timeout`, the answer's body is read and
// dropped (kept to its first 200 bytes for the error text). Keeps one libcurl
// handle, so a connection to an endpoint is reused between sends. Not
// thread-safe: one Sender per delivery thread. CurlGlobalInit() must have run
// (serve does it before any thread starts).
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace edgepix::webhooks {

struct SendResult {
  int http_status = 0;     // 0 = no answer (connection refused, timeout, ...)
  int retry_after_s = -1;  // Retry-After in seconds when the answer had one
  std::string error;       // empty on a 2xx
  bool ok() const { return http_status >= 200 && http_status < 300; }
};

void CurlGlobalInit();

class Sender {
 public:
  // `stopping`, when set, aborts a send in progress.
  Sender(std::chrono::seconds timeout, const std::atomic<bool>* stopping);
  ~Sender();
  Sender(const Sender&) = delete;
  Sender& operator=(const Sender&) = delete;

  SendResult Post(const std::string& url,
                  const std::vector<std::pair<std::string, std::string>>& headers,
                  const std::string& body);

 private:
  std::chrono::seconds timeout_;
  const std::atomic<bool>* stopping_;
  void* curl_ = nullptr;  // CURL*
};

}  // namespace edgepix::webhooks
