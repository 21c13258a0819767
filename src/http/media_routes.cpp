// Serving variants and originals with CDN-grade caching headers.
//
// Variants are immutable once written (a new upload gets a new id), so they are
// served with a strong ETag of their content and a one-year immutable
// Cache-Control; If-None-Match gives 304. A variant not made yet answers 404
// with Retry-After while its job is still PENDING or PROCESSING.
//
// Every media answer also carries a restrictive Content-Security-Policy with
// `sandbox`, so even a polyglot file opened as a document cannot run script.
// With --private the caching becomes `private` (no shared caches). In event
// mode (a guest code is set) an original is served only to the owner and to
// the guest who uploaded it (MayReadOriginal), with private caching.
#include <memory>
#include <string>

#include "common/name_rules.h"
#include "http/access.h"
#include "http/responses.h"
#include "http/route_table.h"
#include "http/routes.h"
#include "jobs/intake.h"
#include "jobs/sha256.h"

namespace edgepix::http {
namespace {

const char* ContentTypeForFormat(const std::string& format) {
  if (format == "jpeg") return "image/jpeg";
  if (format == "png") return "image/png";
  if (format == "gif") return "image/gif";
  if (format == "bmp") return "image/bmp";
  if (format == "webp") return "image/webp";
  if (format == "heic") return "image/heic";
  if (format == "avif") return "image/avif";
  if (format == "heif") return "image/heif";
  return "application/octet-stream";
}

// RFC 6266 filename for Content-Disposition: ASCII fallback plus UTF-8 form.
std::string DispositionFor(const std::string& filename) {
  std::string ascii, encoded;
  static const char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : filename) {
    bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                 c == '.' || c == '-' || c == '_';
    ascii.push_back(plain ? static_cast<char>(c) : '_');
    if (plain) {
      encoded.push_back(static_cast<char>(c));
    } else {
      encoded += '%';
      encoded.push_back(kHex[c >> 4]);
      encoded.push_back(kHex[c & 15]);
    }
  }
  if (ascii.empty()) ascii = encoded = "original";
  return "inline; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
}

void SetMediaHeaders(HttpContext* ctx, httplib::Response& res, bool personal = false) {
  const bool priv = personal || (ctx->access && ctx->access->private_media());
  res.set_header("Cache-Control",
                 priv ? "private, max-age=3600" : "public, max-age=31536000, immutable");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Content-Security-Policy", "default-src 'none'; sandbox");
}

void NotReadyOrMissing(HttpContext* ctx, const std::string& id, httplib::Response& res) {
  auto job = ctx->store->Get(id);
  if (job.ok() && !IsTerminal(job->status)) {
    res.set_header("Retry-After", "1");
    return SendError(
        res, Status::Error(ErrorCode::kNotReady, "this variant is not ready yet; job is " +
                                                     std::string(JobStatusName(job->status))));
  }
  if (job.ok() && job->status == JobStatus::kFailed) {
    return SendError(res, Status::Error(ErrorCode::kNotFound,
                                        "the job failed: " +
                                            (job->error ? job->error->message : std::string())));
  }
  SendError(res, Status::Error(ErrorCode::kNotFound, "no such variant"));
}

void ServeVariant(HttpContext* ctx, const httplib::Request& req, httplib::Response& res) {
  const std::string id = req.matches[1];
  const std::string name = req.matches[2];
  if (!IsValidImageId(id))
    return SendError(res, Status::Error(ErrorCode::kNotFound, "no such variant"));
  auto bytes = ctx->blobs->ReadVariant(id, name);
  if (!bytes.ok()) {
    if (bytes.status().code() == ErrorCode::kNotFound ||
        bytes.status().code() == ErrorCode::kBadRequest) {
      return NotReadyOrMissing(ctx, id, res);
    }
    return SendError(res, bytes.status());
  }
  auto digest = Sha256::Of(*bytes);
  if (!digest.ok()) return SendError(res, digest.status());
  const std::string etag = "\"" + digest->substr(0, 32) + "\"";
  res.set_header("ETag", etag);
  SetMediaHeaders(ctx, res);
  if (EtagMatches(req.get_header_value("If-None-Match"), etag)) {
    res.status = 304;
    return;
  }
  // Status left unset: httplib answers 200, or 206 with the bytes a Range asks for.
  res.set_content(std::move(*bytes), "image/webp");
}

// An original carries the uploader's EXIF (GPS position, camera serial). In
// event mode (guests enabled) it goes only to the owner (bearer credentials,
// or the signed URL the owner's job JSON holds) and to the guest who uploaded
// it (its cookie); anyone else, another guest or the wall included, gets 403.
Status MayReadOriginal(HttpContext* ctx, const httplib::Request& req, const Job& job) {
  if (!ctx->access || !ctx->access->guests_enabled()) return Status::Ok();
  const int64_t now = UnixNow();
  const Viewer viewer = ctx->access->Identify(req, now);
  if (viewer.role == Role::kOwner) return Status::Ok();
  if (viewer.role == Role::kGuest && !job.uploader.empty() &&
      viewer.guest_session == job.uploader) {
    return Status::Ok();
  }
  if ((req.has_param("sig") || req.has_param("exp")) &&
      ctx->access->CheckSignedUrl(req.path, req, now).ok()) {
    return Status::Ok();
  }
  return Status::Error(ErrorCode::kForbidden,
                       "an original (with its EXIF location) is only for the owner and the guest "
                       "who uploaded it");
}

void ServeOriginal(HttpContext* ctx, const httplib::Request& req, httplib::Response& res) {
  const std::string id = req.matches[1];
  if (!IsValidImageId(id))
    return SendError(res, Status::Error(ErrorCode::kNotFound, "no such image"));
  auto job = ctx->store->Get(id);
  if (!job.ok()) return SendError(res, job.status());
  if (Status may = MayReadOriginal(ctx, req, *job); !may.ok()) return SendError(res, may);
  auto reader = ctx->blobs->OpenOriginal(id);
  if (!reader.ok()) return SendError(res, reader.status());
  const std::string etag = "\"" + job->original.sha256 + "\"";
  res.set_header("ETag", etag);
  SetMediaHeaders(ctx, res, ctx->access && ctx->access->guests_enabled());
  res.set_header("Content-Disposition", DispositionFor(job->filename));
  if (EtagMatches(req.get_header_value("If-None-Match"), etag)) {
    res.status = 304;
    return;
  }
  std::shared_ptr<BlobReader> blob = std::move(*reader);
  // Status left unset: httplib answers 200, or 206 and asks the provider for
  // the Range's bytes only (a ranged read of the blob, in S3 a ranged GET).
  res.set_content_provider(blob->size(), ContentTypeForFormat(job->original.format),
                           [blob](size_t offset, size_t length, httplib::DataSink& sink) {
                             std::string chunk;
                             size_t want = std::min<size_t>(length, 256 * 1024);
                             if (!blob->ReadAt(offset, want, &chunk).ok() || chunk.empty())
                               return false;
                             return sink.write(chunk.data(), chunk.size());
                           });
}

}  // namespace

void RegisterMediaRoutes(httplib::Server& server, HttpContext* ctx) {
  server.Get(
      RoutePattern("GET", "/v/{id}/{variant}.webp"),
      [ctx](const httplib::Request& req, httplib::Response& res) { ServeVariant(ctx, req, res); });
  server.Get(
      RoutePattern("GET", "/o/{id}"),
      [ctx](const httplib::Request& req, httplib::Response& res) { ServeOriginal(ctx, req, res); });
}

}  // namespace edgepix::http
