// RouteTable: every route the server registers, in one list.
//
// Each entry names the method, the OpenAPI path template ("/api/jobs/{id}"),
// the regex cpp-httplib matches and who may call it. Route registration looks
// its regex up here (an unknown template aborts at start-up), the access
// check and the per-route metrics use the same entries, and a test compares
// the list with the OpenAPI document, so a route cannot exist undocumented.
#pragma once

#include <string>
#include <vector>

namespace edgepix::http {

enum class RouteAccess {
  kPublic,     // always open: liveness, readiness, the UI, the API description
  kProtected,  // needs the token (or a valid JWT) when one is configured
  kMedia,      // open unless --private; then the token or a signed URL
  kUpload,     // kProtected, except that a request with a `grant` parameter is
               // let through (the route then accepts it only with a valid grant),
               // and so is a guest (its uploads are recorded as the guest's)
  kGuest,      // kProtected, except that a guest is let through: the route then
               // decides what a guest sees (its own jobs, redacted; the join link)
  kWall,       // kGuest, except that a valid wall key `?k=` is let through too
               // (http/access.h): the wall's event stream and its QR code
  kLink,       // kProtected, except that a signed URL of the path (?exp=&sig=,
               // Access::SignPath) is let through: a link the owner's browser
               // can follow, which cannot send the token (the ZIP of everything)
};

struct RouteInfo {
  std::string method;   // "GET", "POST", "DELETE"
  std::string path;     // OpenAPI template, e.g. "/v/{id}/{variant}.webp"
  std::string pattern;  // cpp-httplib regex
  RouteAccess access;
};

const std::vector<RouteInfo>& RouteTable();
// The regex registered for `method` + `path`; aborts if the route is not in the table.
const std::string& RoutePattern(const std::string& method, const std::string& path);
// The entry whose regex matches this request (HEAD counts as GET), or nullptr.
const RouteInfo* MatchRoute(const std::string& method, const std::string& request_path);
// The methods some route serves at this path, for 405's Allow ("GET, HEAD, OPTIONS");
// empty when no route serves the path at all.
std::string AllowedMethods(const std::string& request_path);

}  // namespace edgepix::http
