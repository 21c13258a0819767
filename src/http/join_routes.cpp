// Joining from a phone: the guest link for each address the server can be
// reached at, and one of them as a QR code (SVG, made here with libqrencode).
//
// GET /api/join -> {"links":[{"host":"192.168.1.20","url":"http://192.168.1.20:8080/?g=…"},…]}
// (loopback last); GET /api/join.svg?host=H -> the QR code of H's link, by
// default of the first address that is not loopback. A host that is not one
// of the server's addresses is 404. Without guests (an open server) the links
// are the plain page URLs. Owner or guest (RouteAccess::kGuest): the links
// hold the guest code.
#include <string>
#include <vector>

#include "common/qr_code.h"
#include "http/access.h"
#include "http/responses.h"
#include "http/route_table.h"
#include "http/routes.h"

namespace edgepix::http {
namespace {

struct JoinLink {
  std::string host;  // as in the URL, without IPv6 brackets
  std::string url;
};

// "http://[::1]:8080/" -> "::1".
std::string HostOf(const std::string& base) {
  size_t start = base.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  size_t end = base.find('/', start);
  std::string authority = base.substr(start, end == std::string::npos ? end : end - start);
  if (!authority.empty() && authority.front() == '[') {
    return authority.substr(1, authority.find(']') - 1);
  }
  return authority.substr(0, authority.rfind(':'));
}

bool IsLoopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

std::vector<JoinLink> Links(const HttpContext* ctx, const httplib::Request& req) {
  std::vector<std::string> bases;
  if (ctx->client_urls) bases = ctx->client_urls();
  if (bases.empty()) bases.push_back("http://" + req.get_header_value("Host") + "/");
  const std::string code = ctx->access ? ctx->access->guest_code() : "";
  std::vector<JoinLink> links;
  for (const auto& base : bases) {
    links.push_back({HostOf(base), code.empty() ? base : base + "?g=" + code});
  }
  return links;
}

void ListLinks(HttpContext* ctx, const httplib::Request& req, httplib::Response& res) {
  nlohmann::json body;
  body["links"] = nlohmann::json::array();
  for (const auto& l : Links(ctx, req)) body["links"].push_back({{"host", l.host}, {"url", l.url}});
  res.set_header("Cache-Control", "no-store");
  SendJson(res, 200, body);
}

void LinkQr(HttpContext* ctx, const httplib::Request& req, httplib::Response& res) {
  const auto links = Links(ctx, req);
  const JoinLink* chosen = nullptr;
  if (req.has_param("host")) {
    for (const auto& l : links) {
      if (l.host == req.get_param_value("host")) chosen = &l;
    }
    if (chosen == nullptr) {
      return SendError(
          res, Status::Error(ErrorCode::kNotFound, "the server cannot be reached at this host"));
    }
  } else {
    for (const auto& l : links) {
      if (!IsLoopback(l.host)) {
        chosen = &l;
        break;
      }
    }
    if (chosen == nullptr) chosen = &links.front();
  }
  auto qr = EncodeQr(chosen->url);
  if (!qr.ok()) return SendError(res, qr.status());
  res.set_header("Cache-Control", "no-store");
  res.set_header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
  res.status = 200;
  res.set_content(QrSvg(*qr), "image/svg+xml");
}

}  // namespace

void RegisterJoinRoutes(httplib::Server& server, HttpContext* ctx) {
  server.Get(
      RoutePattern("GET", "/api/join"),
      [ctx](const httplib::Request& req, httplib::Response& res) { ListLinks(ctx, req, res); });
  server.Get(RoutePattern("GET", "/api/join.svg"),
             [ctx](const httplib::Request& req, httplib::Response& res) { LinkQr(ctx, req, res); });
}

}  // namespace edgepix::http
