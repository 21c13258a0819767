// Request framing: the pre-routing refusals that keep one request from being
// read as another (RFC 9112 section 6), and bodies we would refuse anyway from
// being read at all.
//
// CheckFraming() judges a request from its request line and headers alone,
// before any body byte is read:
//   400 bad_request      Content-Length not exactly digits (`+5`, `5abc`, `-1`),
//                        several differing Content-Lengths, Transfer-Encoding
//                        other than exactly one `chunked` or beside a
//                        Content-Length (or in HTTP/1.0), a header name that is
//                        not a token (`Transfer-Encoding :`), HTTP/1.1 without
//                        exactly one Host;
//   411 length_required  POST/PUT/PATCH with neither Content-Length nor chunked;
//   413 too_large        a declared Content-Length over `max_body_bytes`.
// Every refusal asks for the connection to be closed (Connection: close), and
// the server drains what the client still sends (bounded) before closing, so
// the unread body is never parsed as a request (third_party/cpp-httplib/*.patch).
// Stateless; safe from any thread.
#pragma once

#include <httplib.h>

#include <cstdint>
#include <optional>
#include <string>

#include "common/status.h"

namespace edgepix::http {

// The refusal, if any: kBadRequest, kLengthRequired or kTooLarge.
std::optional<Status> CheckFraming(const httplib::Request& req, uint64_t max_body_bytes);

// Fills `res` with the refusal's JSON error and Connection: close.
void SendFramingRefusal(httplib::Response& res, const Status& refusal);

}  // namespace edgepix::http
