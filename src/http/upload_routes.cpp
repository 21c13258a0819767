// POST /api/uploads: streams each file to the blob store while counting bytes
// (never holding an upload in memory), then answers 202 with the accepted jobs.
// If some files of a multipart request are refused and others accepted, the
// answer is 202 with "jobs" and an "errors" list naming the refused files; if
// none is accepted, the answer is the first refusal's JSON error.
//
// ?batch=ID adds the uploads to an OPEN batch (404 unknown, 409 batch_closed).
// ?grant=TOKEN uploads without a token through an upload grant (jobs/grant_store.h):
// one file, at most the grant's max_bytes (413), into the grant's batch (a
// `batch` parameter is then ignored); a used, expired, tampered or unknown
// grant gets 403 grant_invalid naming which, before any byte is stored, and
// the grant is used up in the transaction that commits the job, so of
// concurrent uses exactly one is accepted.
#include <charconv>
#include <memory>
#include <string>
#include <vector>

#include "common/log.h"
#include "common/metrics.h"
#include "http/access.h"
#include "http/connection_watchdog.h"
#include "http/grant_tokens.h"
#include "http/responses.h"
#include "http/route_table.h"
#include "http/routes.h"
#include "jobs/intake.h"
#include "jobs/retention.h"

namespace edgepix::http {
namespace {

struct UploadMetrics {
  metrics::Family& accepted = metrics::Registry::Default().Counter(
      "edgepix_uploads_accepted_total", "Uploads stored durably and queued");
  metrics::Family& accepted_bytes = metrics::Registry::Default().Counter(
      "edgepix_upload_bytes_total", "Bytes of accepted originals");
  metrics::Family& refused = metrics::Registry::Default().Counter(
      "edgepix_uploads_refused_total",
      "Uploads refused at intake, by reason (unsupported_format, too_many_pixels, undecodable, "
      "too_large, ...)",
      {"code"});
};

UploadMetrics& Metrics() {
  static UploadMetrics m;
  return m;
}

// After a refusal, the rest of a body is read and dropped up to a bound, so a
// client still sending can read the JSON answer instead of a reset connection;
// a body larger than that is cut.
class BodyDrain {
 public:
  bool Discard(size_t size) {
    dropped_ += size;
    return dropped_ <= kMaxDropped;
  }

 private:
  static constexpr uint64_t kMaxDropped = 16ull << 20;
  uint64_t dropped_ = 0;
};

struct UploadOutcome {
  std::vector<Job> jobs;
  nlohmann::json errors = nlohmann::json::array();
  Status first_error;

  void Accepted(Job job) {
    Metrics().accepted.Add({});
    Metrics().accepted_bytes.Add({}, static_cast<double>(job.original.bytes));
    log::JobTransition(job.id, "PENDING", job.original.format);
    jobs.push_back(std::move(job));
  }

  void Refused(const std::string& filename, const Status& st) {
    Metrics().refused.Add({ErrorCodeName(st.code())});
    if (first_error.ok()) first_error = st;
    errors.push_back({{"filename", filename},
                      {"error", {{"code", ErrorCodeName(st.code())}, {"message", st.message()}}}});
  }
};

// The body's reading has ended: the connection watchdog stops timing it.
// Returns the error when the watchdog has cut the body for arriving slower than
// --min-body-rate (its client was answered 408 then, even if the last bytes
// made it in), or OK.
Status BodyDone(HttpContext* ctx, const httplib::Request& req) {
  if (ctx->watchdog == nullptr) return Status::Ok();
  ctx->watchdog->BodyFinished(req.remote_addr, req.remote_port);
  if (!ctx->watchdog->BodyTimedOut(req.remote_addr, req.remote_port)) return Status::Ok();
  return ConnectionWatchdog::SlowBodyError();
}

// Removes the jobs accepted from a request answered with an error (`answer`):
// an upload counts only once acknowledged with 202, so nothing of a refused
// request may remain (a worker that already runs one of them publishes nothing
// more once its row is gone).
void Withdraw(HttpContext* ctx, const std::vector<Job>& jobs, const Status& answer,
              const std::string& grant_id) {
  for (const Job& job : jobs) {
    Status st = RemoveImage(ctx->store, ctx->blobs, ctx->notifier, job.id);
    // Its grant was never honoured: the client may use it again.
    if (!grant_id.empty()) {
      if (Status released = ctx->grants->Release(grant_id, job.id); !released.ok()) {
        log::Error("cannot release an upload grant: " + released.ToString(), {{"id", job.id}});
      }
    }
    log::JobTransition(job.id, st.ok() ? "DELETED" : "DELETE_FAILED", ErrorCodeName(answer.code()));
  }
}

// What the request's parameters allow: its batch, its grant and its limits.
struct UploadPlan {
  UploadTarget target;
  uint64_t max_bytes = 0;  // 0 = the server's limit
  int max_files = 0;
};

Status GrantError(const std::string& why) { return Status::Error(ErrorCode::kGrantInvalid, why); }

// Reads ?grant= and ?batch=, refusing early what Finish would refuse anyway.
Result<UploadPlan> PlanUpload(HttpContext* ctx, const httplib::Request& req) {
  UploadPlan plan;
  plan.max_files = ctx->options.max_files_per_request;
  if (req.has_param("grant")) {
    if (ctx->grants == nullptr || ctx->grant_tokens == nullptr) {
      return Status::Error(ErrorCode::kUnavailable, "upload grants are not available");
    }
    EDGEPIX_ASSIGN_OR_RETURN(auto id, ctx->grant_tokens->Verify(req.get_param_value("grant")));
    auto grant = ctx->grants->Get(id);
    if (!grant.ok()) {
      return grant.status().code() == ErrorCode::kNotFound
                 ? GrantError("unknown: no such upload grant")
                 : grant.status();
    }
    if (!grant->used_at.empty()) return GrantError("used: this upload grant has been used already");
    if (grant->expires_at <= UnixNow()) return GrantError("expired: this upload grant has expired");
    plan.target.grant_id = grant->id;
    plan.target.batch_id = grant->batch_id;
    plan.max_bytes = grant->max_bytes;
    plan.max_files = 1;
    return plan;
  }
  const Viewer viewer =
      ctx->access ? ctx->access->Identify(req, UnixNow()) : Viewer{Role::kOwner, ""};
  if (viewer.role == Role::kGuest) {
    if (req.has_param("batch")) {
      return Status::Error(ErrorCode::kForbidden, "a guest may not upload into a batch");
    }
    plan.target.uploader = viewer.guest_session;
    if (ctx->moderate) plan.target.moderation = Moderation::kPending;
    return plan;
  }
  if (req.has_param("batch")) {
    plan.target.batch_id = req.get_param_value("batch");
    if (ctx->batches == nullptr) {
      return Status::Error(ErrorCode::kUnavailable, "batches are not available");
    }
    EDGEPIX_ASSIGN_OR_RETURN(auto batch, ctx->batches->Get(plan.target.batch_id));
    if (batch.status != BatchStatus::kOpen) {
      return Status::Error(ErrorCode::kBatchClosed,
                           "batch " + batch.id + " is closed: it takes no more uploads");
    }
  }
  return plan;
}

// Multipart parts in flight: one PendingUpload at a time.
class MultipartSink {
 public:
  MultipartSink(HttpContext* ctx, UploadOutcome* out, const UploadPlan& plan)
      : ctx_(ctx), out_(out), plan_(plan) {}

  // A new part starts. Returns false to stop reading the body.
  bool BeginPart(const httplib::MultipartFormData& part) {
    FinishPart();
    if (!fatal_.ok()) return drain_.Discard(0);
    if (part.name != "file") return true;  // other fields are ignored
    if (++files_ > plan_.max_files) {
      fatal_ = Status::Error(ErrorCode::kBadRequest, "too many files in one request (max " +
                                                         std::to_string(plan_.max_files) + ")");
      return false;
    }
    filename_ = CleanFilename(part.filename);
    auto begun = ctx_->intake->Begin(plan_.max_bytes);
    if (!begun.ok()) {
      // Queue full or disk full: every further file would be refused too.
      fatal_ = begun.status();
      out_->Refused(filename_, begun.status());
      return false;
    }
    current_ = std::move(*begun);
    return true;
  }

  bool Data(const char* data, size_t size) {
    if (!fatal_.ok()) return drain_.Discard(size);
    if (!current_) return true;
    Status st = current_->Append(data, size);
    if (!st.ok()) {
      out_->Refused(filename_, st);
      current_.reset();
      // An over-limit file or a storage failure ends the request: the rest of
      // the body is read and dropped (up to a bound) so the client sees the answer.
      if (st.code() == ErrorCode::kTooLarge || st.code() == ErrorCode::kDiskFull ||
          st.code() == ErrorCode::kIoError) {
        fatal_ = st;
      }
    }
    return true;
  }

  void FinishPart() {
    if (!current_) return;
    auto job = current_->Finish(filename_, plan_.target);
    current_.reset();
    if (job.ok()) {
      out_->Accepted(std::move(*job));
      if (ctx_->workers) ctx_->workers->Wake();
    } else {
      out_->Refused(filename_, job.status());
    }
  }

  int files() const { return files_; }
  const Status& fatal() const { return fatal_; }

 private:
  HttpContext* ctx_;
  UploadOutcome* out_;
  const UploadPlan& plan_;
  std::unique_ptr<PendingUpload> current_;
  std::string filename_;
  int files_ = 0;
  Status fatal_;
  BodyDrain drain_;
};

void HandleRawUpload(HttpContext* ctx, const httplib::Request& req,
                     const httplib::ContentReader& reader, const UploadPlan& plan,
                     UploadOutcome* out) {
  std::string filename = CleanFilename(req.get_param_value("filename"));
  auto begun = ctx->intake->Begin(plan.max_bytes);
  if (!begun.ok()) {
    out->Refused(filename, begun.status());
    return;
  }
  std::unique_ptr<PendingUpload> upload = std::move(*begun);
  Status failed;
  BodyDrain drain;
  bool complete = reader([&](const char* data, size_t size) {
    if (!failed.ok()) return drain.Discard(size);
    Status st = upload->Append(data, size);
    if (!st.ok()) failed = st;
    return true;
  });
  if (Status slow = BodyDone(ctx, req); !slow.ok()) {
    out->Refused(filename, slow);
    return;
  }
  if (!failed.ok()) {
    out->Refused(filename, failed);
    return;
  }
  if (!complete) {
    out->Refused(filename, Status::Error(ErrorCode::kBadRequest, "the request body was cut short"));
    return;
  }
  auto job = upload->Finish(filename, plan.target);
  if (!job.ok()) {
    out->Refused(filename, job.status());
    return;
  }
  out->Accepted(std::move(*job));
  if (ctx->workers) ctx->workers->Wake();
}

// The body size to reserve disk for: its Content-Length, or for a body of
// unknown length (chunked) the largest file accepted.
uint64_t DeclaredBodyBytes(HttpContext* ctx, const httplib::Request& req) {
  const uint64_t fallback = ctx->intake->options().max_upload_bytes;
  const std::string text = req.get_header_value("Content-Length");
  uint64_t declared = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), declared);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return fallback;
  return declared;
}

}  // namespace

void RegisterUploadRoutes(httplib::Server& server, HttpContext* ctx) {
  server.Post(RoutePattern("POST", "/api/uploads"), [ctx](const httplib::Request& req,
                                                          httplib::Response& res,
                                                          const httplib::ContentReader& reader) {
    auto plan = PlanUpload(ctx, req);
    if (!plan.ok()) {
      Metrics().refused.Add({ErrorCodeName(plan.status().code())});
      SendError(res, plan.status());
      return;
    }
    // The declared size is held against the free-space margin for the whole
    // request, so concurrent uploads cannot together eat into it.
    auto reservation = ctx->intake->Reserve(DeclaredBodyBytes(ctx, req));
    if (!reservation.ok()) {
      Metrics().refused.Add({ErrorCodeName(reservation.status().code())});
      SendError(res, reservation.status());
      return;
    }
    UploadOutcome out;
    if (req.is_multipart_form_data()) {
      MultipartSink sink(ctx, &out, *plan);
      bool complete =
          reader([&](const httplib::MultipartFormData& part) { return sink.BeginPart(part); },
                 [&](const char* data, size_t size) { return sink.Data(data, size); });
      Status refusal;
      if (Status slow = BodyDone(ctx, req); !slow.ok()) {
        // The client has been told 408: files that completed before the stall
        // were never acknowledged.
        refusal = slow;
      } else if (complete) {
        sink.FinishPart();
        if (sink.files() == 0) {
          refusal = Status::Error(ErrorCode::kBadRequest, "no 'file' field in the multipart body");
        }
      } else if (sink.fatal().ok()) {
        refusal = Status::Error(ErrorCode::kBadRequest, "malformed multipart body");
      } else if (out.jobs.empty() || sink.fatal().code() == ErrorCode::kBadRequest) {
        refusal = sink.fatal();
      }
      if (!refusal.ok()) {
        // Whatever the request committed before its error goes with it.
        Withdraw(ctx, out.jobs, refusal, plan->target.grant_id);
        SendError(res, refusal);
        return;
      }
    } else {
      HandleRawUpload(ctx, req, reader, *plan, &out);
    }
    if (out.jobs.empty()) {
      SendError(res, out.first_error.ok()
                         ? Status::Error(ErrorCode::kBadRequest, "nothing was uploaded")
                         : out.first_error);
      return;
    }
    nlohmann::json body;
    body["jobs"] = nlohmann::json::array();
    const JobView view = plan->target.uploader.empty() ? JobView::kFull : JobView::kGuest;
    for (const Job& job : out.jobs) body["jobs"].push_back(PublicJobJson(ctx, job, view));
    if (!out.errors.empty()) body["errors"] = out.errors;
    SendJson(res, 202, body);
  });
}

}  // namespace edgepix::http
