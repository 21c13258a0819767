// GET /api/event: the event's branding for the page and the wall,
// {"title": …, "welcome": …, "moderate": bool, "max_upload_bytes": n}
// (--event-title, --event-welcome; "" when unset; --moderate: whether guests'
// photos wait for the owner; --max-upload-mb, so the page can say the limit
// before anyone picks a file).
// Plain text: the page sets it as text, never as HTML. Public, like the page.
#include "http/responses.h"
#include "http/route_table.h"
#include "http/routes.h"

namespace edgepix::http {

void RegisterEventInfoRoutes(httplib::Server& server, HttpContext* ctx) {
  server.Get(RoutePattern("GET", "/api/event"),
             [ctx](const httplib::Request&, httplib::Response& res) {
               res.set_header("Cache-Control", "no-cache");
               SendJson(res, 200,
                        {{"title", ctx->branding.title},
                         {"welcome", ctx->branding.welcome},
                         {"moderate", ctx->moderate},
                         {"max_upload_bytes", ctx->intake->options().max_upload_bytes}});
             });
}

}  // namespace edgepix::http
