// The HTTP status of every ErrorCode: decided here and nowhere else.
//
// Errors travel through the layers below as ErrorCode values without any HTTP
// meaning; only when an answer is written does http/ choose its status. The
// reverse direction covers the answers cpp-httplib makes on its own (unknown
// route, a URI too long, ...): they get the code that names their status.
// Pure functions: thread-safe.
#pragma once

#include "common/status.h"

namespace edgepix::http {

// The status answered for `code` (200 for kOk).
int HttpStatusFor(ErrorCode code);
// The code for an error answer cpp-httplib made with `http_status` itself:
// kBadRequest for an unlisted 4xx, kInternal for an unlisted 5xx.
ErrorCode ErrorCodeForHttpStatus(int http_status);

}  // namespace edgepix::http
