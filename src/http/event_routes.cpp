// GET /api/events: one Server-Sent Events stream of everything new, the job
// event log (jobs/job_event.h) as it grows: `event: completed`, `failed`,
// `deleted`, `approved` or `hidden` (--moderate, jobs/moderation.h), each with
// `id: <seq>` and data {"seq","kind","id","at","job"}
// ("job": the job as GET /api/jobs/{id} shows it to the owner, null once
// deleted). Where it starts: after the `Last-Event-ID` header's seq (what
// EventSource sends when it reconnects), else after `?after=`, else at the
// end of the log (only what happens from now on). Because the log is in
// SQLite, a client that was away (or a server that restarted) catches up on
// everything it missed. Heartbeat comments keep idle connections open; the
// stream ends only when the client goes or the server stops. The owner, or
// the wall key `?k=` (http/access.h), which sees jobs as a guest does (no GPS);
// a guest is refused (403). The wall key sees only what everyone may see
// (EventText below).
#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>

#include "http/access.h"
#include "http/responses.h"
#include "http/route_table.h"
#include "http/routes.h"
#include "jobs/job_event.h"
#include "jobs/moderation.h"

namespace edgepix::http {
namespace {

constexpr int kEventsPerRead = 100;

struct EventStream {
  std::unique_ptr<JobNotifier::Subscription> sub;
  JobView view = JobView::kFull;
  int64_t after = 0;
  bool greeted = false;
};

// A non-negative decimal seq, or nullopt.
std::optional<int64_t> ParseSeq(const std::string& text) {
  if (text.empty() || text.size() > 18 ||
      text.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  return std::strtoll(text.c_str(), nullptr, 10);
}

// What the stream says about `e`; "" when this viewer is not told. The owner
// is told everything. The wall key's view keeps to what everyone may see
// (jobs/moderation.h IsShown): a job's `completed` or `approved` only once it
// is shown, `failed` only for an approved job; `deleted` and `hidden` always,
// without the job, so a wall drops what it had.
std::string EventText(HttpContext* ctx, const JobEvent& e, JobView view) {
  nlohmann::json data = {{"seq", e.seq},
                         {"kind", JobEventKindName(e.kind)},
                         {"id", e.job_id},
                         {"at", e.created_at},
                         {"job", nullptr}};
  const bool removal = e.kind == JobEventKind::kDeleted || e.kind == JobEventKind::kHidden;
  if (e.kind != JobEventKind::kDeleted && (view == JobView::kFull || !removal)) {
    auto job = ctx->store->Get(e.job_id);
    if (job.ok()) {
      if (view != JobView::kFull) {
        const bool told = e.kind == JobEventKind::kFailed ? job->moderation == Moderation::kApproved
                                                          : IsShown(job->status, job->moderation);
        if (!told) return "";
      }
      data["job"] = PublicJobJson(ctx, *job, view);
    } else if (view != JobView::kFull) {
      return "";  // deleted since: its `deleted` event follows
    }
  }
  return "id: " + std::to_string(e.seq) + "\nevent: " + JobEventKindName(e.kind) +
         "\ndata: " + data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n\n";
}

void StreamEvents(HttpContext* ctx, const httplib::Request& req, httplib::Response& res) {
  auto stream = std::make_shared<EventStream>();
  if (ctx->access && ctx->access->auth_enabled() &&
      ctx->access->Identify(req, UnixNow()).role != Role::kOwner) {
    if (!ctx->access->HasWallKey(req)) {
      return SendError(res, Status::Error(ErrorCode::kForbidden,
                                          "a guest may upload and see its own photos, not this"));
    }
    stream->view = JobView::kGuest;
  }
  stream->sub = ctx->notifier->Subscribe(kJobEventsTopic);
  if (req.has_header("Last-Event-ID")) {
    auto seq = ParseSeq(req.get_header_value("Last-Event-ID"));
    if (!seq) {
      return SendError(res, Status::Error(ErrorCode::kBadRequest,
                                          "Last-Event-ID must be an event's seq (a number)"));
    }
    stream->after = *seq;
  } else if (req.has_param("after")) {
    auto seq = ParseSeq(req.get_param_value("after"));
    if (!seq) {
      return SendError(
          res, Status::Error(ErrorCode::kBadRequest, "after must be an event's seq (a number)"));
    }
    stream->after = *seq;
  } else {
    auto last = ctx->store->LastEventSeq();
    if (!last.ok()) return SendError(res, last.status());
    stream->after = *last;
  }
  res.set_header("Cache-Control", "no-store");
  res.set_header("X-Accel-Buffering", "no");
  const auto heartbeat = std::chrono::seconds(ctx->options.sse_heartbeat_seconds);
  res.set_chunked_content_provider(
      "text/event-stream", [ctx, stream, heartbeat](size_t, httplib::DataSink& sink) {
        if (ctx->stopping->load()) {
          sink.done();
          return true;
        }
        if (!stream->greeted) {
          // Reconnect quickly; the comment tells the client the stream is open.
          stream->greeted = true;
          const std::string hello =
              "retry: 2000\n: events after " + std::to_string(stream->after) + "\n\n";
          return sink.write(hello.data(), hello.size());
        }
        auto events = ctx->store->EventsAfter(stream->after, kEventsPerRead);
        if (!events.ok()) return false;  // the client reconnects with its Last-Event-ID
        for (const JobEvent& e : *events) {
          const std::string text = EventText(ctx, e, stream->view);
          if (!text.empty() && !sink.write(text.data(), text.size())) return false;
          stream->after = e.seq;
        }
        if (!events->empty()) return true;
        if (!stream->sub->WaitFor(heartbeat)) {
          if (!sink.write(": heartbeat\n\n", 13)) return false;
        }
        return sink.is_writable();
      });
}

}  // namespace

void RegisterEventRoutes(httplib::Server& server, HttpContext* ctx) {
  server.Get(
      RoutePattern("GET", "/api/events"),
      [ctx](const httplib::Request& req, httplib::Response& res) { StreamEvents(ctx, req, res); });
}

}  // namespace edgepix::http
