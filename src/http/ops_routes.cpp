// Operations: GET /metrics (Prometheus text), GET /readyz (database writable,
// disk has room), GET /api/openapi.json (the API description).
#include <string>

#include "common/metrics.h"
#include "http/error_status.h"
#include "http/openapi.h"
#include "http/responses.h"
#include "http/route_table.h"
#include "http/routes.h"

namespace edgepix::http {
namespace {

void ServeMetrics(HttpContext* ctx, httplib::Response& res) {
  auto& registry = metrics::Registry::Default();
  auto& jobs = registry.Gauge("edgepix_jobs", "Jobs in the store, by status", {"status"});
  auto& queue = registry.Gauge("edgepix_queue_depth", "Jobs waiting for a worker (PENDING)");
  auto& busy = registry.Gauge("edgepix_workers_busy", "Image workers running a job now");
  auto& workers = registry.Gauge("edgepix_workers", "Image worker threads");
  for (JobStatus s :
       {JobStatus::kPending, JobStatus::kProcessing, JobStatus::kCompleted, JobStatus::kFailed}) {
    auto n = ctx->store->CountByStatus(s);
    if (!n.ok()) return SendError(res, n.status());
    jobs.Set({JobStatusName(s)}, static_cast<double>(*n));
    if (s == JobStatus::kPending) queue.Set({}, static_cast<double>(*n));
  }
  if (ctx->workers) {
    busy.Set({}, ctx->workers->busy());
    workers.Set({}, ctx->workers->size());
  }
  if (ctx->blobs) {
    auto free_bytes = ctx->blobs->FreeBytes();
    if (free_bytes.ok() && *free_bytes != kFreeBytesUnbounded) {  // a bucket has no such gauge
      registry.Gauge("edgepix_disk_free_bytes", "Free bytes on the data volume")
          .Set({}, static_cast<double>(*free_bytes));
    }
  }
  res.status = 200;
  res.set_header("Cache-Control", "no-store");
  res.set_content(registry.Render(), "text/plain; version=0.0.4; charset=utf-8");
}

void ServeReady(HttpContext* ctx, httplib::Response& res) {
  nlohmann::json checks = nlohmann::json::object();
  std::string problem;
  Status db = ctx->store->CheckWritable();
  checks["database"] = db.ok() ? "ok" : db.message();
  if (!db.ok()) problem = "database: " + db.message();
  Status writable = ctx->blobs->CheckWritable();
  auto free_bytes = ctx->blobs->FreeBytes();
  const uint64_t min_free = ctx->intake ? ctx->intake->options().min_free_bytes : 0;
  if (!writable.ok()) {
    checks["disk"] = writable.message();
    if (problem.empty()) problem = "disk: " + writable.message();
  } else if (!free_bytes.ok()) {
    checks["disk"] = free_bytes.status().message();
    if (problem.empty()) problem = "disk: " + free_bytes.status().message();
  } else if (*free_bytes < min_free) {
    checks["disk"] = "low: " + std::to_string(*free_bytes >> 20) + " MiB free, " +
                     std::to_string(min_free >> 20) + " MiB required";
    if (problem.empty()) problem = "disk: " + checks["disk"].get<std::string>();
  } else {
    checks["disk"] = "ok";
  }
  if (ctx->stopping && ctx->stopping->load()) problem = "shutting down";
  if (!problem.empty()) {
    res.set_header("Retry-After", "5");
    const ErrorCode code = ErrorCode::kServerNotReady;
    return SendJson(
        res, HttpStatusFor(code),
        {{"error", {{"code", ErrorCodeName(code)}, {"message", problem}}}, {"checks", checks}});
  }
  SendJson(res, 200, {{"status", "ready"}, {"checks", checks}});
}

}  // namespace

void RegisterOpsRoutes(httplib::Server& server, HttpContext* ctx) {
  server.Get(RoutePattern("GET", "/metrics"),
             [ctx](const httplib::Request&, httplib::Response& res) { ServeMetrics(ctx, res); });
  server.Get(RoutePattern("GET", "/readyz"),
             [ctx](const httplib::Request&, httplib::Response& res) { ServeReady(ctx, res); });
  server.Get(RoutePattern("GET", "/api/openapi.json"),
             [](const httplib::Request&, httplib::Response& res) {
               res.status = 200;
               res.set_header("Cache-Control", "no-cache");
               res.set_content(OpenApiDocument(), "application/json");
             });
}

}  // namespace edgepix::http
