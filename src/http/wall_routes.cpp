// GET /api/wall (owner): where the wall is, {"url":"/wall?k=KEY","key":KEY}
// ("/wall" and "" when auth is off: the wall is open). The wall page asks for
// it when opened in the owner's browser (which holds the token) and moves to
// the URL with the key, which a projector's browser can then keep using.
#include <string>

#include "http/access.h"
#include "http/responses.h"
#include "http/route_table.h"
#include "http/routes.h"

namespace edgepix::http {

void RegisterWallRoutes(httplib::Server& server, HttpContext* ctx) {
  server.Get(
      RoutePattern("GET", "/api/wall"), [ctx](const httplib::Request&, httplib::Response& res) {
        const std::string key = ctx->access ? ctx->access->WallKey() : std::string();
        res.set_header("Cache-Control", "no-store");
        SendJson(res, 200, {{"url", key.empty() ? "/wall" : "/wall?k=" + key}, {"key", key}});
      });
}

}  // namespace edgepix::http
