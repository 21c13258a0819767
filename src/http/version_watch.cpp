#include "http/version_watch.h"

#include <chrono>
#include <memory>

#include "http/responses.h"

namespace edgepix::http {

void AnswerLongPoll(HttpContext* ctx, const httplib::Request& req, httplib::Response& res,
                    const std::string& id, const SnapshotFn& fetch) {
  auto wait = IntParam(req, "wait", 0, 3600);
  auto since = IntParam(req, "since", 0, INT64_MAX);
  if (!wait.ok()) return SendError(res, wait.status());
  if (!since.ok()) return SendError(res, since.status());

  std::unique_ptr<JobNotifier::Subscription> sub;
  if (wait->has_value() && **wait > 0) sub = ctx->notifier->Subscribe(id);
  auto snap = fetch();
  if (!snap.ok()) return SendError(res, snap.status());
  if (sub) {
    auto seconds = std::min<int64_t>(**wait, ctx->options.long_poll_cap_seconds);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    // A terminal resource never changes again: waiting on it would only time out.
    auto unchanged = [&](const VersionedSnapshot& s) {
      return !s.terminal && (!since->has_value() || s.version == **since);
    };
    while (unchanged(*snap) && !ctx->stopping->load()) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0 || !sub->WaitFor(left)) break;
      snap = fetch();
      if (!snap.ok()) return SendError(res, snap.status());
    }
  }
  SendJson(res, 200, snap->body);
}

namespace {

// State shared by the SSE content provider across its calls.
struct SseStream {
  std::unique_ptr<JobNotifier::Subscription> sub;
  int64_t sent_version = -1;
  bool done = false;
};

}  // namespace

void AnswerEventStream(HttpContext* ctx, httplib::Response& res, const std::string& id,
                       SnapshotFn fetch) {
  auto stream = std::make_shared<SseStream>();
  stream->sub = ctx->notifier->Subscribe(id);
  auto first = fetch();
  if (!first.ok()) return SendError(res, first.status());
  res.set_header("Cache-Control", "no-store");
  res.set_header("X-Accel-Buffering", "no");
  const auto heartbeat = std::chrono::seconds(ctx->options.sse_heartbeat_seconds);
  res.set_chunked_content_provider(
      "text/event-stream",
      [ctx, id, stream, heartbeat, fetch = std::move(fetch)](size_t, httplib::DataSink& sink) {
        if (stream->done || ctx->stopping->load()) {
          sink.done();
          return true;
        }
        auto snap = fetch();
        if (!snap.ok()) {
          // Deleted while watched.
          std::string ev = "event: deleted\ndata: {\"id\":\"" + id + "\"}\n\n";
          sink.write(ev.data(), ev.size());
          sink.done();
          return true;
        }
        if (snap->version != stream->sent_version) {
          stream->sent_version = snap->version;
          std::string ev =
              "event: status\nid: " + std::to_string(snap->version) + "\ndata: " +
              snap->body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n\n";
          if (!sink.write(ev.data(), ev.size())) return false;
          if (snap->terminal) stream->done = true;
          return true;
        }
        if (!stream->sub->WaitFor(heartbeat)) {
          if (!sink.write(": heartbeat\n\n", 13)) return false;
        }
        return sink.is_writable();
      });
}

}  // namespace edgepix::http
