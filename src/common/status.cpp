#include "common/status.h"

namespace edgepix {

// The one table of wire names. A switch without default: -Wswitch names a
// code added to the enum but not here.
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
    case ErrorCode::kMethodNotAllowed:
      return "method_not_allowed";
    case ErrorCode::kLengthRequired:
      return "length_required";
    case ErrorCode::kUriTooLong:
      return "uri_too_long";
    case ErrorCode::kRangeNotSatisfiable:
      return "range_not_satisfiable";
    case ErrorCode::kBadPath:
      return "bad_path";
    case ErrorCode::kBusy:
      return "busy";
    case ErrorCode::kNotReady:
    case ErrorCode::kServerNotReady:
      return "not_ready";
    case ErrorCode::kPoison:
      return "poison";
    case ErrorCode::kBatchClosed:
      return "batch_closed";
    case ErrorCode::kGrantInvalid:
      return "grant_invalid";
    case ErrorCode::kCallbackNotAllowed:
      return "callback_not_allowed";
  }
  return "internal";
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  return std::string(ErrorCodeName(code_)) + ": " + message_;
}

}  // namespace edgepix
