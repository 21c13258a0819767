// Batch routes: create, read (long-poll), stream, list, close and delete
// batches of uploads (jobs/batch.h). A batch's JSON is BatchJson plus the
// first page of its jobs ("jobs", newest first) and "next", the cursor of the
// following page for GET /api/jobs?batch=ID&cursor=...
//
// POST /api/batches {"metadata": {...} (<= 4 KiB), "callback_url": "http(s)://..."}
//   -> 201 {"batch": ...}; the callback URL is checked by
//   HttpContext::check_callback_url when set (the webhook module's rule).
// GET /api/batches/{id}[?wait=S&since=V&limit=N] -> the batch (http/version_watch.h;
//   terminal: COMPLETED, PARTIAL, FAILED). GET /api/batches/{id}/events: SSE.
// GET /api/batches?status=&limit=&cursor= -> {"batches": [...], "next": ...}
// POST /api/batches/{id}/complete -> 200 {"batch": ...} (closing twice is harmless)
// DELETE /api/batches/{id} -> 204: every image of the batch and the batch.
#include <string>

#include "common/log.h"
#include "common/name_rules.h"
#include "http/job_json.h"
#include "http/json_body.h"
#include "http/responses.h"
#include "http/route_table.h"
#include "http/routes.h"
#include "http/version_watch.h"
#include "jobs/batch_upkeep.h"

namespace edgepix::http {
namespace {

constexpr int kDefaultJobPage = 50;

Status NoBatches() { return Status::Error(ErrorCode::kUnavailable, "batches are not available"); }

bool CheckBatchId(HttpContext* ctx, const std::string& id, httplib::Response& res) {
  if (ctx->batches == nullptr) {
    SendError(res, NoBatches());
    return false;
  }
  if (IsValidImageId(id)) return true;
  SendError(res, Status::Error(ErrorCode::kNotFound, "no batch with this id"));
  return false;
}

// The batch with the first `limit` of its jobs.
Result<nlohmann::json> BatchWithJobs(HttpContext* ctx, const Batch& batch, int limit) {
  JobListQuery query;
  query.batch_id = batch.id;
  query.limit = limit;
  EDGEPIX_ASSIGN_OR_RETURN(auto page, ctx->store->List(query));
  nlohmann::json body = BatchJson(batch);
  body["jobs"] = nlohmann::json::array();
  for (const Job& job : page.jobs) body["jobs"].push_back(PublicJobJson(ctx, job, JobView::kFull));
  body["next"] = page.next.empty() ? nlohmann::json(nullptr) : nlohmann::json(page.next);
  return body;
}

SnapshotFn BatchSnapshot(HttpContext* ctx, const std::string& id, int limit) {
  return [ctx, id, limit]() -> Result<VersionedSnapshot> {
    EDGEPIX_ASSIGN_OR_RETURN(auto batch, ctx->batches->Get(id));
    EDGEPIX_ASSIGN_OR_RETURN(auto body, BatchWithJobs(ctx, batch, limit));
    return VersionedSnapshot{batch.version, IsTerminal(batch.status), std::move(body)};
  };
}

Result<NewBatch> ParseNewBatch(HttpContext* ctx, const httplib::Request& req) {
  EDGEPIX_ASSIGN_OR_RETURN(auto body, ParseJsonBody(req));
  NewBatch out;
  if (body.contains("metadata") && !(body)["metadata"].is_null()) {
    const nlohmann::json& m = (body)["metadata"];
    if (!m.is_object()) return Status::Error(ErrorCode::kBadRequest, "metadata must be an object");
    if (m.dump().size() > kBatchMetadataMaxBytes) {
      return Status::Error(
          ErrorCode::kBadRequest,
          "metadata is over " + std::to_string(kBatchMetadataMaxBytes) + " bytes of JSON");
    }
    out.metadata = m;
  }
  if (body.contains("callback_url") && !(body)["callback_url"].is_null()) {
    const nlohmann::json& u = (body)["callback_url"];
    if (!u.is_string())
      return Status::Error(ErrorCode::kBadRequest, "callback_url must be a string");
    out.callback_url = u.get<std::string>();
    const bool http_url =
        out.callback_url.rfind("http://", 0) == 0 || out.callback_url.rfind("https://", 0) == 0;
    if (!http_url || out.callback_url.size() > kBatchCallbackUrlMaxBytes) {
      return Status::Error(ErrorCode::kBadRequest,
                           "callback_url must be an http:// or https:// URL of at most " +
                               std::to_string(kBatchCallbackUrlMaxBytes) + " bytes");
    }
    if (ctx->check_callback_url) EDGEPIX_RETURN_IF_ERROR(ctx->check_callback_url(out.callback_url));
  }
  return out;
}

void CreateBatch(HttpContext* ctx, const httplib::Request& req, httplib::Response& res) {
  if (ctx->batches == nullptr) return SendError(res, NoBatches());
  auto request = ParseNewBatch(ctx, req);
  if (!request.ok()) return SendError(res, request.status());
  auto batch = ctx->batches->Create(*request);
  if (!batch.ok()) return SendError(res, batch.status());
  log::Event("batch", {{"id", batch->id}, {"status", std::string(BatchStatusName(batch->status))}});
  auto body = BatchWithJobs(ctx, *batch, kDefaultJobPage);
  if (!body.ok()) return SendError(res, body.status());
  SendJson(res, 201, {{"batch", *body}});
}

void GetBatch(HttpContext* ctx, const httplib::Request& req, httplib::Response& res) {
  const std::string id = req.matches[1];
  if (!CheckBatchId(ctx, id, res)) return;
  auto limit = IntParam(req, "limit", 1, 200);
  if (!limit.ok()) return SendError(res, limit.status());
  AnswerLongPoll(ctx, req, res, id,
                 BatchSnapshot(ctx, id, static_cast<int>(limit->value_or(kDefaultJobPage))));
}

void StreamBatch(HttpContext* ctx, const httplib::Request& req, httplib::Response& res) {
  const std::string id = req.matches[1];
  if (!CheckBatchId(ctx, id, res)) return;
  AnswerEventStream(ctx, res, id, BatchSnapshot(ctx, id, kDefaultJobPage));
}

void ListBatches(HttpContext* ctx, const httplib::Request& req, httplib::Response& res) {
  if (ctx->batches == nullptr) return SendError(res, NoBatches());
  BatchListQuery query;
  if (req.has_param("status") && !req.get_param_value("status").empty()) {
    auto status = ParseBatchStatus(req.get_param_value("status"));
    if (!status) {
      return SendError(res, Status::Error(ErrorCode::kBadRequest,
                                          "status must be one of OPEN, PROCESSING, COMPLETED, "
                                          "PARTIAL, FAILED"));
    }
    query.status = *status;
  }
  auto limit = IntParam(req, "limit", 1, 200);
  if (!limit.ok()) return SendError(res, limit.status());
  if (limit->has_value()) query.limit = static_cast<int>(**limit);
  if (req.has_param("cursor")) query.cursor = req.get_param_value("cursor");
  auto page = ctx->batches->List(query);
  if (!page.ok()) return SendError(res, page.status());
  nlohmann::json body;
  body["batches"] = nlohmann::json::array();
  for (const Batch& b : page->batches) body["batches"].push_back(BatchJson(b));
  body["next"] = page->next.empty() ? nlohmann::json(nullptr) : nlohmann::json(page->next);
  SendJson(res, 200, body);
}

void CompleteBatch(HttpContext* ctx, const httplib::Request& req, httplib::Response& res) {
  const std::string id = req.matches[1];
  if (!CheckBatchId(ctx, id, res)) return;
  auto batch = ctx->batches->Close(id);
  if (!batch.ok()) return SendError(res, batch.status());
  log::Event("batch", {{"id", id}, {"status", std::string(BatchStatusName(batch->status))}});
  auto body = BatchWithJobs(ctx, *batch, kDefaultJobPage);
  if (!body.ok()) return SendError(res, body.status());
  SendJson(res, 200, {{"batch", *body}});
}

void DeleteBatch(HttpContext* ctx, const httplib::Request& req, httplib::Response& res) {
  const std::string id = req.matches[1];
  if (!CheckBatchId(ctx, id, res)) return;
  Status st = RemoveBatch(ctx->store, ctx->batches, ctx->blobs, ctx->notifier, id);
  if (!st.ok()) return SendError(res, st);
  log::Event("batch", {{"id", id}, {"status", "DELETED"}});
  res.status = 204;
}

}  // namespace

void RegisterBatchRoutes(httplib::Server& server, HttpContext* ctx) {
  server.Post(
      RoutePattern("POST", "/api/batches"),
      [ctx](const httplib::Request& req, httplib::Response& res) { CreateBatch(ctx, req, res); });
  server.Get(
      RoutePattern("GET", "/api/batches"),
      [ctx](const httplib::Request& req, httplib::Response& res) { ListBatches(ctx, req, res); });
  server.Get(
      RoutePattern("GET", "/api/batches/{id}"),
      [ctx](const httplib::Request& req, httplib::Response& res) { GetBatch(ctx, req, res); });
  server.Get(
      RoutePattern("GET", "/api/batches/{id}/events"),
      [ctx](const httplib::Request& req, httplib::Response& res) { StreamBatch(ctx, req, res); });
  server.Post(
      RoutePattern("POST", "/api/batches/{id}/complete"),
      [ctx](const httplib::Request& req, httplib::Response& res) { CompleteBatch(ctx, req, res); });
  server.Delete(
      RoutePattern("DELETE", "/api/batches/{id}"),
      [ctx](const httplib::Request& req, httplib::Response& res) { DeleteBatch(ctx, req, res); });
}

}  // namespace edgepix::http
