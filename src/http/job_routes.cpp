// Job routes: read one job (optionally long-polling on its version), list jobs,
// stream a job's changes as Server-Sent Events, delete an image entirely.
//
// Long-poll: GET /api/jobs/{id}?wait=S[&since=V] returns as soon as the job's
// version differs from V; without `since` it waits for a terminal state
// (COMPLETED or FAILED). Either way it returns after at most S seconds (capped),
// and at once when the job is already COMPLETED or FAILED.
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
#include "jobs/intake.h"
#include "jobs/retention.h"

namespace edgepix::http {
namespace {

bool CheckId(const std::string& id, httplib::Response& res) {
  if (IsValidImageId(id)) return true;
  SendError(res, Status::Error(ErrorCode::kNotFound, "no job with this id"));
  return false;
}

void GetJob(HttpContext* ctx, const httplib::Request& req, httplib::Response& res) {
  const std::string id = req.matches[1];
  if (!CheckId(id, res)) return;
  auto wait = IntParam(req, "wait", 0, 3600);
  auto since = IntParam(req, "since", 0, INT64_MAX);
  if (!wait.ok()) return SendError(res, wait.status());
  if (!since.ok()) return SendError(res, since.status());

  std::unique_ptr<JobNotifier::Subscription> sub;
  if (wait->has_value() && **wait > 0) sub = ctx->notifier->Subscribe(id);
  auto job = ctx->store->Get(id);
  if (!job.ok()) return SendError(res, job.status());
  if (sub) {
    auto seconds = std::min<int64_t>(**wait, ctx->options.long_poll_cap_seconds);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    // A terminal job never changes again: waiting on it would only time out.
    auto unchanged = [&](const Job& j) {
      return !IsTerminal(j.status) && (!since->has_value() || j.version == **since);
    };
    while (unchanged(*job) && !ctx->stopping->load()) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0 || !sub->WaitFor(left)) break;
      job = ctx->store->Get(id);
      if (!job.ok()) return SendError(res, job.status());
    }
  }
  SendJson(res, 200, PublicJobJson(ctx, *job));
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
  auto page = ctx->store->List(query);
  if (!page.ok()) return SendError(res, page.status());
  nlohmann::json body;
  body["jobs"] = nlohmann::json::array();
  for (const Job& job : page->jobs) body["jobs"].push_back(PublicJobJson(ctx, job));
  body["next"] = page->next.empty() ? nlohmann::json(nullptr) : nlohmann::json(page->next);
  SendJson(res, 200, body);
}

// State shared by the SSE content provider across its calls.
struct SseStream {
  std::unique_ptr<JobNotifier::Subscription> sub;
  int64_t sent_version = -1;
  bool done = false;
};

void StreamEvents(HttpContext* ctx, const httplib::Request& req, httplib::Response& res) {
  const std::string id = req.matches[1];
  if (!CheckId(id, res)) return;
  auto stream = std::make_shared<SseStream>();
  stream->sub = ctx->notifier->Subscribe(id);
  auto first = ctx->store->Get(id);
  if (!first.ok()) return SendError(res, first.status());
  res.set_header("Cache-Control", "no-store");
  res.set_header("X-Accel-Buffering", "no");
  const auto heartbeat = std::chrono::seconds(ctx->options.sse_heartbeat_seconds);
  res.set_chunked_content_provider(
      "text/event-stream", [ctx, id, stream, heartbeat](size_t, httplib::DataSink& sink) {
        if (stream->done || ctx->stopping->load()) {
          sink.done();
          return true;
        }
        auto job = ctx->store->Get(id);
        if (!job.ok()) {
          // Deleted while watched.
          std::string ev = "event: deleted\ndata: {\"id\":\"" + id + "\"}\n\n";
          sink.write(ev.data(), ev.size());
          sink.done();
          return true;
        }
        if (job->version != stream->sent_version) {
          stream->sent_version = job->version;
          std::string ev = "event: status\nid: " + std::to_string(job->version) + "\ndata: " +
                           PublicJobJson(ctx, *job).dump(-1, ' ', false,
                                                         nlohmann::json::error_handler_t::replace) +
                           "\n\n";
          if (!sink.write(ev.data(), ev.size())) return false;
          if (IsTerminal(job->status)) stream->done = true;
          return true;
        }
        if (!stream->sub->WaitFor(heartbeat)) {
          if (!sink.write(": heartbeat\n\n", 13)) return false;
        }
        return sink.is_writable();
      });
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

nlohmann::json PublicJobJson(const HttpContext* ctx, const Job& job) {
  const int64_t now = UnixNow();
  return JobJson(job, [&](const std::string& path) {
    return ctx->access ? ctx->access->MediaUrl(path, now) : path;
  });
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
