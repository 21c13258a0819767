// Route registration, one function per group of routes. Each handler answers
// with JSON (or the media it serves) and turns every Status into a JSON error.
#pragma once

#include <httplib.h>

#include <nlohmann/json.hpp>

#include "http/http_context.h"

namespace edgepix::http {

// POST /api/uploads (multipart `file` fields, or a raw body with ?filename=).
void RegisterUploadRoutes(httplib::Server& server, HttpContext* ctx);
// GET /api/jobs, GET /api/jobs/{id} (+ long-poll), GET /api/jobs/{id}/events (SSE),
// DELETE /api/images/{id}.
void RegisterJobRoutes(httplib::Server& server, HttpContext* ctx);
// POST/GET /api/batches, GET /api/batches/{id} (+ long-poll), its events,
// POST /api/batches/{id}/complete, DELETE /api/batches/{id}.
void RegisterBatchRoutes(httplib::Server& server, HttpContext* ctx);
// POST /api/upload-grants.
void RegisterGrantRoutes(httplib::Server& server, HttpContext* ctx);
// GET /api/webhooks/deliveries, POST /api/webhooks/deliveries/{id}/retry.
void RegisterWebhookRoutes(httplib::Server& server, HttpContext* ctx);
// GET /v/{id}/{variant}.webp, GET /o/{id}.
void RegisterMediaRoutes(httplib::Server& server, HttpContext* ctx);
// GET / and the UI's files, GET /healthz.
void RegisterWebRoutes(httplib::Server& server, HttpContext* ctx);
// GET /api/events: one SSE stream of the job event log, resumable.
void RegisterEventRoutes(httplib::Server& server, HttpContext* ctx);
// GET /api/download.zip: every COMPLETED image as one streamed stored ZIP.
void RegisterDownloadRoutes(httplib::Server& server, HttpContext* ctx);
// GET /api/event: the branding, {"title","welcome"}.
void RegisterEventInfoRoutes(httplib::Server& server, HttpContext* ctx);
// GET /join (the page), GET /api/join (the guest links, one per address),
// GET /api/join.svg?host= (one as a QR code).
void RegisterJoinRoutes(httplib::Server& server, HttpContext* ctx);
// POST /api/images/{id}/approve, POST /api/images/{id}/hide (owner, --moderate).
void RegisterModerationRoutes(httplib::Server& server, HttpContext* ctx);
// GET /api/wall: the wall's URL with its key (owner).
void RegisterWallRoutes(httplib::Server& server, HttpContext* ctx);
// GET /metrics, GET /readyz, GET /api/openapi.json.
void RegisterOpsRoutes(httplib::Server& server, HttpContext* ctx);

// What a job's JSON may show: everything (the owner), or without the
// uploader's whereabouts (a guest: metadata.gps is null).
enum class JobView { kFull, kGuest };

// A job as clients see it: JobJson, with signed media URLs in private mode.
nlohmann::json PublicJobJson(const HttpContext* ctx, const Job& job, JobView view);

}  // namespace edgepix::http
