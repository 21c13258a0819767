// WebhookDeliveries: what the deliveries routes (http/webhook_routes.cpp) may
// ask of the webhook module (src/webhooks/, which implements it), so http/
// does not depend on it. Thread-safe implementations; owned by main's wiring.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace edgepix::http {

struct DeliveryView {
  std::string id;  // the webhook-id header, msg_...
  std::string type;
  std::string subject_id;
  std::string endpoint;
  std::string status;  // pending, delivered, dead
  int attempts = 0;
  int last_status = 0;  // 0 = no answer yet
  std::string last_error;
  int64_t created_ms = 0;
  int64_t next_attempt_ms = 0;  // meaningful while pending
  int64_t delivered_ms = 0;     // 0 = not delivered
};

class WebhookDeliveries {
 public:
  virtual ~WebhookDeliveries() = default;
  // Newest first; `status` empty = every status.
  virtual Result<std::vector<DeliveryView>> List(const std::string& status, int limit) = 0;
  // Pending again and due now; the delivery as it is then. kNotFound if unknown.
  virtual Result<DeliveryView> Retry(const std::string& id) = 0;
};

}  // namespace edgepix::http
