// POST /api/upload-grants: hands out upload URLs that need no token.
//
// Body {"count": N (1..1000, default 1), "batch": ID?, "max_bytes": B?,
// "expires_in": seconds (1..86400, default 900)} -> 201 {"grants": [{"url":
// "/api/uploads?grant=TOKEN", "expires_at": ISO 8601}, ...]}. A named batch
// must exist (404) and be OPEN (409 batch_closed). What a grant allows is
// enforced by the upload route (http/upload_routes.cpp).
#include <chrono>
#include <string>
#include <vector>

#include "http/access.h"
#include "http/grant_tokens.h"
#include "http/json_body.h"
#include "http/responses.h"
#include "http/route_table.h"
#include "http/routes.h"
#include "jobs/intake.h"

namespace edgepix::http {
namespace {

constexpr int64_t kMaxGrants = 1000;
constexpr int64_t kMaxExpiresIn = 86400;
constexpr int64_t kDefaultExpiresIn = 900;

// An integer field in [min, max], or `fallback` when absent.
Result<int64_t> IntField(const nlohmann::json& body, const std::string& name, int64_t min,
                         int64_t max, int64_t fallback) {
  if (!body.contains(name) || body[name].is_null()) return fallback;
  const nlohmann::json& v = body[name];
  if (!v.is_number_integer() || v.get<int64_t>() < min || v.get<int64_t>() > max) {
    return Status::Error(
        ErrorCode::kBadRequest,
        name + " must be an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]");
  }
  return v.get<int64_t>();
}

void CreateGrants(HttpContext* ctx, const httplib::Request& req, httplib::Response& res) {
  if (ctx->grants == nullptr || ctx->grant_tokens == nullptr) {
    return SendError(res,
                     Status::Error(ErrorCode::kUnavailable, "upload grants are not available"));
  }
  auto body = ParseJsonBody(req);
  if (!body.ok()) return SendError(res, body.status());
  auto count = IntField(*body, "count", 1, kMaxGrants, 1);
  auto expires_in = IntField(*body, "expires_in", 1, kMaxExpiresIn, kDefaultExpiresIn);
  auto max_bytes = IntField(*body, "max_bytes", 1, INT64_MAX, 0);
  for (const auto* r : {&count, &expires_in, &max_bytes}) {
    if (!r->ok()) return SendError(res, r->status());
  }
  std::string batch;
  if (body->contains("batch") && !(*body)["batch"].is_null()) {
    if (!(*body)["batch"].is_string()) {
      return SendError(res, Status::Error(ErrorCode::kBadRequest, "batch must be a batch id"));
    }
    batch = (*body)["batch"].get<std::string>();
  }
  const int64_t expires_at = UnixNow() + *expires_in;
  std::vector<UploadGrant> grants(static_cast<size_t>(*count));
  for (UploadGrant& g : grants) {
    g.id = NewJobId();
    g.batch_id = batch;
    g.max_bytes = static_cast<uint64_t>(*max_bytes);
    g.expires_at = expires_at;
  }
  if (Status st = ctx->grants->Create(grants); !st.ok()) return SendError(res, st);
  const std::string expires_iso =
      Iso8601(std::chrono::system_clock::time_point(std::chrono::seconds(expires_at)));
  nlohmann::json out = nlohmann::json::array();
  for (const UploadGrant& g : grants) {
    out.push_back({{"url", "/api/uploads?grant=" + ctx->grant_tokens->Sign(g.id)},
                   {"expires_at", expires_iso}});
  }
  SendJson(res, 201, {{"grants", std::move(out)}});
}

}  // namespace

void RegisterGrantRoutes(httplib::Server& server, HttpContext* ctx) {
  server.Post(
      RoutePattern("POST", "/api/upload-grants"),
      [ctx](const httplib::Request& req, httplib::Response& res) { CreateGrants(ctx, req, res); });
}

}  // namespace edgepix::http
