// POST /api/images/{id}/approve and POST /api/images/{id}/hide (owner; a guest
// gets 403 from the route table's kProtected): the owner's decision on a photo
// (jobs/moderation.h). Approving shows it on the wall, in the gallery and in
// the download of everything; hiding takes it off them (live: the event log
// gets `approved` / `hidden`). Either works on any job, whatever its state, and
// again on a hidden one (a hidden photo is restored by approving it). Answers
// the job (200); unknown id 404.
#include <string>

#include "common/log.h"
#include "common/name_rules.h"
#include "http/responses.h"
#include "http/route_table.h"
#include "http/routes.h"

namespace edgepix::http {
namespace {

void Moderate(HttpContext* ctx, const httplib::Request& req, httplib::Response& res,
              Moderation decision) {
  const std::string id = req.matches[1];
  if (!IsValidImageId(id)) {
    return SendError(res, Status::Error(ErrorCode::kNotFound, "no job with this id"));
  }
  auto job = ctx->store->SetModeration(id, decision);
  if (!job.ok()) {
    if (job.status().code() == ErrorCode::kNotFound) {
      return SendError(res, Status::Error(ErrorCode::kNotFound, "no job with this id"));
    }
    return SendError(res, job.status());
  }
  ctx->notifier->Notify(id);  // a long-poll on the job sees its new version
  log::JobTransition(id, decision == Moderation::kApproved ? "APPROVED" : "HIDDEN");
  SendJson(res, 200, PublicJobJson(ctx, *job, JobView::kFull));
}

}  // namespace

void RegisterModerationRoutes(httplib::Server& server, HttpContext* ctx) {
  server.Post(RoutePattern("POST", "/api/images/{id}/approve"),
              [ctx](const httplib::Request& req, httplib::Response& res) {
                Moderate(ctx, req, res, Moderation::kApproved);
              });
  server.Post(RoutePattern("POST", "/api/images/{id}/hide"),
              [ctx](const httplib::Request& req, httplib::Response& res) {
                Moderate(ctx, req, res, Moderation::kHidden);
              });
}

}  // namespace edgepix::http
