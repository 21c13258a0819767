// HttpContext: what the route handlers may use. Owned by main's wiring; every
// pointer outlives the HTTP server. Routes depend on these interfaces only, never
// on SQLite or file paths.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>

#include "common/status.h"
#include "jobs/intake.h"
#include "jobs/job_notifier.h"
#include "jobs/job_store.h"
#include "jobs/worker_pool.h"
#include "storage/blob_store.h"

namespace edgepix {

namespace http {
class Access;
class ConnectionWatchdog;
}  // namespace http

struct HttpOptions {
  int long_poll_cap_seconds = 60;
  int sse_heartbeat_seconds = 15;
  int max_files_per_request = 100;
};

struct HttpContext {
  JobStore* store = nullptr;
  BlobStore* blobs = nullptr;
  JobNotifier* notifier = nullptr;
  Intake* intake = nullptr;
  WorkerPool* workers = nullptr;
  HttpOptions options;
  std::atomic<bool>* stopping = nullptr;         // set when the server shuts down
  const http::Access* access = nullptr;          // set by HttpServer
  http::ConnectionWatchdog* watchdog = nullptr;  // set by HttpServer; may be null in tests
};

}  // namespace edgepix
