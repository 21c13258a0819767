#include "common/status.h"

namespace edgepix {

const char* ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk:
      return "ok";
    case ErrorCode::kBadRequest:
      return "bad_request";
    case ErrorCode::kUnauthorized:
      return "unauthorized";
    case ErrorCode::kForbidden:
      return "forbidden";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kConflict:
      return "conflict";
    case ErrorCode::kTimeout:
      return "request_timeout";
    case ErrorCode::kTooLarge:
      return "too_large";
    case ErrorCode::kUnsupportedFormat:
      return "unsupported_format";
    case ErrorCode::kUndecodable:
      return "undecodable";
    case ErrorCode::kTooManyPixels:
      return "too_many_pixels";
    case ErrorCode::kOverMemoryBudget:
      return "over_memory_budget";
    case ErrorCode::kQueueFull:
      return "queue_full";
    case ErrorCode::kUnavailable:
      return "unavailable";
    case ErrorCode::kDiskFull:
      return "disk_full";
    case ErrorCode::kIoError:
      return "io_error";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "internal";
}

int HttpStatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk:
      return 200;
    case ErrorCode::kBadRequest:
      return 400;
    case ErrorCode::kUnauthorized:
      return 401;
    case ErrorCode::kForbidden:
      return 403;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kConflict:
      return 409;
    case ErrorCode::kTimeout:
      return 408;
    case ErrorCode::kTooLarge:
      return 413;
    case ErrorCode::kUnsupportedFormat:
      return 415;
    case ErrorCode::kUndecodable:
      return 422;
    case ErrorCode::kTooManyPixels:
      return 422;
    case ErrorCode::kOverMemoryBudget:
      return 422;
    case ErrorCode::kQueueFull:
      return 503;
    case ErrorCode::kUnavailable:
      return 503;
    case ErrorCode::kDiskFull:
      return 507;
    case ErrorCode::kIoError:
      return 500;
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  return std::string(ErrorCodeName(code_)) + ": " + message_;
}

}  // namespace edgepix
