// Watching a versioned resource (a job, a batch) over HTTP: the long-poll of
// GET ...?wait=S[&since=V] and a Server-Sent Events stream of its changes.
//
// Long-poll: answers as soon as the resource's version differs from V; without
// `since`, once it is terminal. Either way after at most S seconds (capped at
// HttpOptions::long_poll_cap_seconds), and at once when it is terminal already
// (a terminal resource never changes again). SSE: one `event: status` (id: the
// version) per version seen, heartbeat comments in between, `event: deleted`
// when it disappears, and the stream ends after a terminal state.
// Both wait on JobNotifier keyed by the resource id (never a sleep loop), so the
// store's writers must Notify(id) on every change. Thread-safe; `fetch` is
// called from the HTTP thread serving the request, and for SSE it is kept
// (copied) for the stream's lifetime.
#pragma once

#include <httplib.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "common/status.h"
#include "http/http_context.h"

namespace edgepix::http {

struct VersionedSnapshot {
  int64_t version = 0;
  bool terminal = false;
  nlohmann::json body;  // what the client is sent
};
using SnapshotFn = std::function<Result<VersionedSnapshot>()>;

// Answers `req` (its `wait` and `since` parameters) with the snapshot's body.
void AnswerLongPoll(HttpContext* ctx, const httplib::Request& req, httplib::Response& res,
                    const std::string& id, const SnapshotFn& fetch);

// Answers with a text/event-stream of the resource's changes.
void AnswerEventStream(HttpContext* ctx, httplib::Response& res, const std::string& id,
                       SnapshotFn fetch);

}  // namespace edgepix::http
