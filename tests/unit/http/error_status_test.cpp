// Every ErrorCode has an HTTP status, decided in http/ only.
#include "http/error_status.h"

#include <catch2/catch.hpp>
#include <string>

using edgepix::ErrorCode;
using edgepix::http::ErrorCodeForHttpStatus;
using edgepix::http::HttpStatusFor;

TEST_CASE("every ErrorCode has an HTTP status matching its kind") {
  CHECK(HttpStatusFor(ErrorCode::kOk) == 200);
  for (int i = 1; i < edgepix::kErrorCodeCount; ++i) {
    const auto code = static_cast<ErrorCode>(i);
    const int status = HttpStatusFor(code);
    INFO(edgepix::ErrorCodeName(code) << " -> " << status);
    CHECK(status >= 400);
    CHECK(status <= 599);
    // The switch falls back to 500: only the two server-side codes may have it.
    if (status == 500) CHECK((code == ErrorCode::kInternal || code == ErrorCode::kIoError));
  }
  CHECK(HttpStatusFor(ErrorCode::kUnsupportedFormat) == 415);
  CHECK(HttpStatusFor(ErrorCode::kDiskFull) == 507);
  CHECK(HttpStatusFor(ErrorCode::kQueueFull) == 503);
  CHECK(HttpStatusFor(ErrorCode::kBusy) == 503);
  CHECK(HttpStatusFor(ErrorCode::kBadPath) == 400);
  CHECK(HttpStatusFor(ErrorCode::kNotReady) == 404);
  CHECK(HttpStatusFor(ErrorCode::kServerNotReady) == 503);
}

TEST_CASE("answers cpp-httplib makes itself get the code of their status") {
  // Each status that has a code of its own maps to a code answered with that status.
  for (int status : {400, 401, 403, 404, 405, 408, 411, 413, 414, 415, 416, 422, 503, 507}) {
    INFO(status);
    CHECK(HttpStatusFor(ErrorCodeForHttpStatus(status)) == status);
  }
  CHECK(ErrorCodeForHttpStatus(404) == ErrorCode::kNotFound);
  CHECK(ErrorCodeForHttpStatus(414) == ErrorCode::kUriTooLong);
  CHECK(ErrorCodeForHttpStatus(418) == ErrorCode::kBadRequest);
  CHECK(ErrorCodeForHttpStatus(501) == ErrorCode::kInternal);
}
