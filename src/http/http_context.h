// HttpContext: what the route handlers may use. Owned by main's wiring; every
// pointer outlives the HTTP server. Routes depend on these interfaces only, never
// on SQLite or file paths.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "http/webhook_deliveries.h"
#include "jobs/batch_store.h"
#include "jobs/grant_store.h"
#include "jobs/intake.h"
#include "jobs/job_notifier.h"
#include "jobs/job_store.h"
#include "jobs/worker_pool.h"
#include "storage/blob_store.h"

namespace edgepix {

namespace http {
class Access;
class GrantTokens;
class ConnectionWatchdog;
}  // namespace http

struct HttpOptions {
  int long_poll_cap_seconds = 60;
  int sse_heartbeat_seconds = 15;
  int max_files_per_request = 100;
};

// The event's branding (--event-title, --event-welcome): plain text, "" = unset.
struct EventBranding {
  std::string title;
  std::string welcome;
};

struct HttpContext {
  JobStore* store = nullptr;
  BlobStore* blobs = nullptr;
  JobNotifier* notifier = nullptr;
  Intake* intake = nullptr;
  WorkerPool* workers = nullptr;
  BatchStore* batches = nullptr;                    // may be null: batch routes answer 503
  GrantStore* grants = nullptr;                     // may be null: grant routes answer 503
  const http::GrantTokens* grant_tokens = nullptr;  // signs grant ids; with `grants`
  // Checks a batch's callback_url (set by the webhook module: --webhook-allow);
  // empty = any http(s) URL is stored.
  std::function<Status(const std::string&)> check_callback_url;
  http::WebhookDeliveries* webhooks = nullptr;  // may be null: delivery routes answer 503
  // The base URLs clients can reach this server at ("http://192.168.1.20:8080/",
  // ..., loopback last; cli/client_urls.h), for the join page; null = the
  // request's Host header alone.
  std::function<std::vector<std::string>()> client_urls;
  EventBranding branding;
  // --moderate: a guest's upload waits for the owner's approval (jobs/moderation.h).
  bool moderate = false;
  HttpOptions options;
  std::atomic<bool>* stopping = nullptr;         // set when the server shuts down
  const http::Access* access = nullptr;          // set by HttpServer
  http::ConnectionWatchdog* watchdog = nullptr;  // set by HttpServer; may be null in tests
};

}  // namespace edgepix
