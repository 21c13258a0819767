// The upload UI (web/ compiled in) and liveness. "/?g=CODE" (a guest link)
// opens a guest session: its cookie is set and the browser is sent on to "/",
// so the code does not stay in the address bar or the history.
#include <string>

#include "http/access.h"
#include "http/responses.h"
#include "http/route_table.h"
#include "http/routes.h"
#include "http/web_assets.h"
#include "jobs/sha256.h"

namespace edgepix::http {
namespace {

const char* kContentSecurityPolicy =
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

std::string ContentTypeFor(const std::string& path) {
  auto ends = [&](const char* ext) {
    std::string e(ext);
    return path.size() >= e.size() && path.compare(path.size() - e.size(), e.size(), e) == 0;
  };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".png")) return "image/png";
  if (ends(".ico")) return "image/x-icon";
  if (ends(".json")) return "application/json";
  return "application/octet-stream";
}

void ServeAsset(const std::string& path, const httplib::Request& req, httplib::Response& res) {
  auto asset = web::FindAsset(path);
  if (!asset) return SendError(res, Status::Error(ErrorCode::kNotFound, "no such page"));
  auto digest = Sha256::Of(asset->bytes);
  if (!digest.ok()) return SendError(res, digest.status());
  const std::string etag = "\"" + digest->substr(0, 32) + "\"";
  res.set_header("ETag", etag);
  res.set_header("Cache-Control", "no-cache");
  res.set_header("Content-Security-Policy", kContentSecurityPolicy);
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "no-referrer");
  if (EtagMatches(req.get_header_value("If-None-Match"), etag)) {
    res.status = 304;
    return;
  }
  res.status = 200;
  res.set_content(std::string(asset->bytes), ContentTypeFor(path).c_str());
}

}  // namespace

void RegisterWebRoutes(httplib::Server& server, HttpContext* ctx) {
  server.Get(RoutePattern("GET", "/"), [ctx](const httplib::Request& req, httplib::Response& res) {
    if (req.has_param("g")) {
      auto cookie = ctx->access ? ctx->access->GuestCookieFor(req.get_param_value("g"))
                                : std::optional<std::string>();
      if (!cookie) {
        return SendError(res, Status::Error(ErrorCode::kForbidden,
                                            "this guest link is not valid (any more): ask the "
                                            "host for the current one"));
      }
      res.set_header("Set-Cookie", *cookie);
      res.set_header("Cache-Control", "no-store");
      res.set_header("Referrer-Policy", "no-referrer");
      res.set_redirect("/", 303);
      return;
    }
    ServeAsset("/index.html", req, res);
  });
  server.Get(RoutePattern("GET", "/join"), [](const httplib::Request& req, httplib::Response& res) {
    ServeAsset("/join.html", req, res);
  });
  server.Get(RoutePattern("GET", "/wall"), [](const httplib::Request& req, httplib::Response& res) {
    ServeAsset("/wall.html", req, res);
  });
  server.Get(RoutePattern("GET", "/{asset}"),
             [](const httplib::Request& req, httplib::Response& res) {
               ServeAsset("/" + std::string(req.matches[1]), req, res);
             });
  server.Get(RoutePattern("GET", "/healthz"),
             [ctx](const httplib::Request&, httplib::Response& res) {
               SendJson(res, 200,
                        {{"status", "ok"},
                         {"workers", ctx->workers ? ctx->workers->size() : 0},
                         {"busy_workers", ctx->workers ? ctx->workers->busy() : 0}});
             });
}

}  // namespace edgepix::http
