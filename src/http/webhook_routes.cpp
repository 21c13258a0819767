// Webhook delivery routes (token): the outbox as operators see it.
//
// GET /api/webhooks/deliveries?status=pending|delivered|dead&limit=N (50, <= 1000)
//   -> {"deliveries": [{"id", "type", "subject_id", "endpoint", "status",
//   "attempts", "last_status" (null before the first answer), "last_error",
//   "created_at", "next_attempt_at" (null unless pending), "delivered_at"}]},
//   newest first.
// POST /api/webhooks/deliveries/{id}/retry -> 202 {"delivery": ...}: pending
//   again and sent at once.
#include <chrono>
#include <string>

#include "http/responses.h"
#include "http/route_table.h"
#include "http/routes.h"
#include "jobs/job.h"

namespace edgepix::http {
namespace {

Status NoWebhooks() { return Status::Error(ErrorCode::kUnavailable, "webhooks are not available"); }

nlohmann::json MsTime(int64_t ms) {
  if (ms <= 0) return nullptr;
  return Iso8601(std::chrono::system_clock::time_point(std::chrono::milliseconds(ms)));
}

nlohmann::json DeliveryJson(const DeliveryView& d) {
  return {{"id", d.id},
          {"type", d.type},
          {"subject_id", d.subject_id},
          {"endpoint", d.endpoint},
          {"status", d.status},
          {"attempts", d.attempts},
          {"last_status", d.last_status > 0 ? nlohmann::json(d.last_status) : nlohmann::json()},
          {"last_error", d.last_error},
          {"created_at", MsTime(d.created_ms)},
          {"next_attempt_at", d.status == "pending" ? MsTime(d.next_attempt_ms) : nullptr},
          {"delivered_at", MsTime(d.delivered_ms)}};
}

void ListDeliveries(HttpContext* ctx, const httplib::Request& req, httplib::Response& res) {
  if (ctx->webhooks == nullptr) return SendError(res, NoWebhooks());
  std::string status = req.has_param("status") ? req.get_param_value("status") : "";
  if (!status.empty() && status != "pending" && status != "delivered" && status != "dead") {
    return SendError(res, Status::Error(ErrorCode::kBadRequest,
                                        "status must be one of pending, delivered, dead"));
  }
  auto limit = IntParam(req, "limit", 1, 1000);
  if (!limit.ok()) return SendError(res, limit.status());
  auto rows = ctx->webhooks->List(status, limit->has_value() ? static_cast<int>(**limit) : 50);
  if (!rows.ok()) return SendError(res, rows.status());
  nlohmann::json body = {{"deliveries", nlohmann::json::array()}};
  for (const DeliveryView& d : *rows) body["deliveries"].push_back(DeliveryJson(d));
  SendJson(res, 200, body);
}

void RetryDelivery(HttpContext* ctx, const httplib::Request& req, httplib::Response& res) {
  if (ctx->webhooks == nullptr) return SendError(res, NoWebhooks());
  const std::string id = req.matches[1];
  auto delivery = ctx->webhooks->Retry(id);
  if (!delivery.ok()) return SendError(res, delivery.status());
  nlohmann::json body = {{"delivery", DeliveryJson(*delivery)}};
  SendJson(res, 202, body);
}

}  // namespace

void RegisterWebhookRoutes(httplib::Server& server, HttpContext* ctx) {
  server.Get(RoutePattern("GET", "/api/webhooks/deliveries"),
             [ctx](const httplib::Request& req, httplib::Response& res) {
               ListDeliveries(ctx, req, res);
             });
  server.Post(
      RoutePattern("POST", "/api/webhooks/deliveries/{id}/retry"),
      [ctx](const httplib::Request& req, httplib::Response& res) { RetryDelivery(ctx, req, res); });
}

}  // namespace edgepix::http
