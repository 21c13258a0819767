// Job routes: read one job (optionally long-polling on its version), list jobs,
// stream a job's changes as Server-Sent Events, delete an image entirely.
//
// Long-poll and events: http/version_watch.h (terminal: COMPLETED or FAILED).
// GET /api/jobs?batch=ID lists the jobs of one batch (its later pages);
// ?moderation=pending|approved|hidden those in one moderation state.
#include <chrono>
#include <memory>
#include <string>

#include "common/log.h"
#include "common/name_rules.h"
#include "http/access.h"
#include "http/job_json.h"
#include "http/responses.h"
#include "http/route_table.h"
#include "http/routes.h"
#include "http/version_watch.h"
#include "jobs/intake.h"
#include "jobs/retention.h"

namespace edgepix::http {
namespace {

bool CheckId(const std::string& id, httplib::Response& res) {
  if (IsValidImageId(id)) return true;
  SendError(res, Status::Error(ErrorCode::kNotFound, "no job with this id"));
  return false;
}

// Who asks for job `id`: the owner sees it whole; a guest sees only a job it
// uploaded (another's is answered 404, as if it did not exist), redacted.
Result<JobView> ViewOfJob(HttpContext* ctx, const httplib::Request& req, const std::string& id) {
  const Viewer viewer =
      ctx->access ? ctx->access->Identify(req, UnixNow()) : Viewer{Role::kOwner, ""};
  if (viewer.role == Role::kOwner) return JobView::kFull;
  EDGEPIX_ASSIGN_OR_RETURN(auto job, ctx->store->Get(id));
  if (viewer.role != Role::kGuest || job.uploader != viewer.guest_session) {
    return Status::Error(ErrorCode::kNotFound, "no job with this id");
  }
  return JobView::kGuest;
}

// The job as clients see it, for the long-poll and the event stream.
SnapshotFn JobSnapshot(HttpContext* ctx, const std::string& id, JobView view) {
  return [ctx, id, view]() -> Result<VersionedSnapshot> {
    EDGEPIX_ASSIGN_OR_RETURN(auto job, ctx->store->Get(id));
    return VersionedSnapshot{job.version, IsTerminal(job.status), PublicJobJson(ctx, job, view)};
  };
}

void GetJob(HttpContext* ctx, const httplib::Request& req, httplib::Response& res) {
  const std::string id = req.matches[1];
  if (!CheckId(id, res)) return;
  auto view = ViewOfJob(ctx, req, id);
  if (!view.ok()) return SendError(res, view.status());
  AnswerLongPoll(ctx, req, res, id, JobSnapshot(ctx, id, *view));
}

void ListJobs(HttpContext* ctx, const httplib::Request& req, httplib::Response& res) {
  JobListQuery query;
  if (req.has_param("status") && !req.get_param_value("status").empty()) {
    auto status = ParseJobStatus(req.get_param_value("status"));
    if (!status) {
      return SendError(res, Status::Error(ErrorCode::kBadRequest,
                                          "status must be one of PENDING, "
                                          "PROCESSING, COMPLETED, FAILED"));
    }
    query.status = *status;
  }
  auto limit = IntParam(req, "limit", 1, 200);
  if (!limit.ok()) return SendError(res, limit.status());
  if (limit->has_value()) query.limit = static_cast<int>(**limit);
  if (req.has_param("cursor")) query.cursor = req.get_param_value("cursor");
  if (req.has_param("batch")) query.batch_id = req.get_param_value("batch");
  if (req.has_param("moderation") && !req.get_param_value("moderation").empty()) {
    auto moderation = ParseModeration(req.get_param_value("moderation"));
    if (!moderation) {
      return SendError(res, Status::Error(ErrorCode::kBadRequest,
                                          "moderation must be one of pending, approved, hidden"));
    }
    query.moderation = *moderation;
  }
  auto page = ctx->store->List(query);
  if (!page.ok()) return SendError(res, page.status());
  nlohmann::json body;
  body["jobs"] = nlohmann::json::array();
  for (const Job& job : page->jobs) body["jobs"].push_back(PublicJobJson(ctx, job, JobView::kFull));
  body["next"] = page->next.empty() ? nlohmann::json(nullptr) : nlohmann::json(page->next);
  SendJson(res, 200, body);
}

void StreamEvents(HttpContext* ctx, const httplib::Request& req, httplib::Response& res) {
  const std::string id = req.matches[1];
  if (!CheckId(id, res)) return;
  auto view = ViewOfJob(ctx, req, id);
  if (!view.ok()) return SendError(res, view.status());
  AnswerEventStream(ctx, res, id, JobSnapshot(ctx, id, *view));
}

void DeleteImage(HttpContext* ctx, const httplib::Request& req, httplib::Response& res) {
  const std::string id = req.matches[1];
  if (!CheckId(id, res)) return;
  Status st = RemoveImage(ctx->store, ctx->blobs, ctx->notifier, id);
  if (!st.ok()) return SendError(res, st);
  log::JobTransition(id, "DELETED");
  res.status = 204;
}

}  // namespace

nlohmann::json PublicJobJson(const HttpContext* ctx, const Job& job, JobView view) {
  const int64_t now = UnixNow();
  nlohmann::json out = JobJson(job, [&](const std::string& path) {
    return ctx->access ? ctx->access->MediaUrl(path, now) : path;
  });
  if (view == JobView::kGuest && out["metadata"].is_object()) out["metadata"]["gps"] = nullptr;
  // In event mode /o/{id} needs the owner's credentials (http/media_routes.cpp),
  // which a browser's link cannot send: the owner gets a signed URL. A guest
  // gets the path, which its own cookie opens for its own uploads only.
  if (view == JobView::kFull && ctx->access && ctx->access->guests_enabled() &&
      !ctx->access->private_media()) {
    out["original"]["url"] = ctx->access->SignPath(OriginalPath(job.id), now);
  }
  return out;
}

void RegisterJobRoutes(httplib::Server& server, HttpContext* ctx) {
  server.Get(
      RoutePattern("GET", "/api/jobs"),
      [ctx](const httplib::Request& req, httplib::Response& res) { ListJobs(ctx, req, res); });
  server.Get(RoutePattern("GET", "/api/jobs/{id}"),
             [ctx](const httplib::Request& req, httplib::Response& res) { GetJob(ctx, req, res); });
  server.Get(
      RoutePattern("GET", "/api/jobs/{id}/events"),
      [ctx](const httplib::Request& req, httplib::Response& res) { StreamEvents(ctx, req, res); });
  server.Delete(
      RoutePattern("DELETE", "/api/images/{id}"),
      [ctx](const httplib::Request& req, httplib::Response& res) { DeleteImage(ctx, req, res); });
}

}  // namespace edgepix::http
