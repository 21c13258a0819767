#include "http/error_status.h"

namespace edgepix::http {

// A switch without default: -Wswitch names a code added to the enum but not here.
int HttpStatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk:
      return 200;
    case ErrorCode::kBadRequest:
    case ErrorCode::kBadPath:
      return 400;
    case ErrorCode::kUnauthorized:
      return 401;
    case ErrorCode::kForbidden:
    case ErrorCode::kGrantInvalid:
      return 403;
    case ErrorCode::kNotFound:
    case ErrorCode::kNotReady:  // a GET that will succeed later: 404 + Retry-After
      return 404;
    case ErrorCode::kMethodNotAllowed:
      return 405;
    case ErrorCode::kLengthRequired:
      return 411;
    case ErrorCode::kTimeout:
      return 408;
    case ErrorCode::kConflict:
    case ErrorCode::kBatchClosed:
      return 409;
    case ErrorCode::kTooLarge:
      return 413;
    case ErrorCode::kUriTooLong:
      return 414;
    case ErrorCode::kUnsupportedFormat:
      return 415;
    case ErrorCode::kRangeNotSatisfiable:
      return 416;
    case ErrorCode::kUndecodable:
    case ErrorCode::kTooManyPixels:
    case ErrorCode::kOverMemoryBudget:
    case ErrorCode::kPoison:  // only ever a job's error, never an answer of its own
    case ErrorCode::kCallbackNotAllowed:
      return 422;
    case ErrorCode::kIoError:
    case ErrorCode::kInternal:
      return 500;
    case ErrorCode::kQueueFull:
    case ErrorCode::kUnavailable:
    case ErrorCode::kBusy:
    case ErrorCode::kServerNotReady:
      return 503;
    case ErrorCode::kDiskFull:
      return 507;
  }
  return 500;
}

ErrorCode ErrorCodeForHttpStatus(int http_status) {
  switch (http_status) {
    case 400:
      return ErrorCode::kBadRequest;
    case 401:
      return ErrorCode::kUnauthorized;
    case 403:
      return ErrorCode::kForbidden;
    case 404:
      return ErrorCode::kNotFound;
    case 405:
      return ErrorCode::kMethodNotAllowed;
    case 411:
      return ErrorCode::kLengthRequired;
    case 408:
      return ErrorCode::kTimeout;
    case 413:
      return ErrorCode::kTooLarge;
    case 414:
      return ErrorCode::kUriTooLong;
    case 415:
      return ErrorCode::kUnsupportedFormat;
    case 416:
      return ErrorCode::kRangeNotSatisfiable;
    case 422:
      return ErrorCode::kUndecodable;
    case 503:
      return ErrorCode::kUnavailable;
    case 507:
      return ErrorCode::kDiskFull;
    default:
      return http_status >= 500 ? ErrorCode::kInternal : ErrorCode::kBadRequest;
  }
}

}  // namespace edgepix::http
