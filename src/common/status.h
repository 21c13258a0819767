// Status and Result<T>: errors as values at module boundaries.
//
// A Status is either OK or carries an ErrorCode plus a human-readable message.
// Every ErrorCode has a stable snake_case wire name (ErrorCodeName, the one
// table of them; used in JSON errors, job errors and metrics labels), so an
// error produced deep inside the image or storage layer reaches the client
// unchanged as {"error":{"code":..,"message":..}}. The HTTP status of each code
// is decided in http/ only (http/error_status.h). Result<T> holds either a T or
// a non-OK Status. Values: a Status or Result may be used from one thread at a
// time; the free functions are pure and thread-safe.
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace edgepix {

enum class ErrorCode {
  kOk = 0,
  kBadRequest,           // malformed request
  kUnauthorized,         // no or a wrong token
  kForbidden,            // the token is valid but not enough
  kNotFound,             // no such job, image, variant or route
  kConflict,             // the id exists already
  kTimeout,              // request body slower than --min-body-rate
  kTooLarge,             // body over --max-upload-mb
  kUnsupportedFormat,    // not an image format we accept
  kUndecodable,          // corrupt or truncated image
  kTooManyPixels,        // header declares more than --max-megapixels
  kOverMemoryBudget,     // decoding it would need more than --memory-budget-mb
  kQueueFull,            // too many pending jobs (with Retry-After)
  kUnavailable,          // transient (shutting down, ...)
  kDiskFull,             // free disk below --min-free-mb
  kIoError,              // a read or write failed
  kInternal,             // a bug or an unexpected state
  kMethodNotAllowed,     // a known path with another method
  kLengthRequired,       // a request body without Content-Length or chunked framing
  kUriTooLong,           // request line over the server's limit
  kRangeNotSatisfiable,  // a Range header outside the body
  kBadPath,              // a path with '..', '\\', '%', '//' or control bytes
  kBusy,                 // no connection thread free (with Retry-After)
  kNotReady,             // a variant of a job still being processed (with Retry-After)
  kServerNotReady,       // /readyz: a readiness check fails; same wire name as kNotReady
  kPoison,               // a job error: the server stopped each time it processed this image
  kBatchClosed,          // an upload into a batch that was closed (completed or expired)
  kGrantInvalid,         // an upload grant that is used, expired, tampered with or unknown
  kCallbackNotAllowed,   // a batch callback_url outside --webhook-allow
};
// Number of codes (the last enumerator + 1): tests walk every code with it.
inline constexpr int kErrorCodeCount = static_cast<int>(ErrorCode::kCallbackNotAllowed) + 1;

// Stable machine-readable wire name, e.g. "unsupported_format".
const char* ErrorCodeName(ErrorCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  static Status Ok() { return Status(); }
  static Status Error(ErrorCode code, std::string message) {
    return Status(code, std::move(message));
  }

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "code: message" for logs.
  std::string ToString() const;
  // Marks a status deliberately dropped (best-effort cleanup whose failure
  // changes nothing for the caller); say why at the call.
  void IgnoreError() const {}

 private:
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}          // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}  // NOLINT: implicit by design

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() { return *value_; }
  const T& operator*() const { return *value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

#define EDGEPIX_RETURN_IF_ERROR(expr) \
  do {                                \
    ::edgepix::Status _st = (expr);   \
    if (!_st.ok()) return _st;        \
  } while (0)

// EDGEPIX_ASSIGN_OR_RETURN(auto x, MakeX()); returns MakeX()'s status when it
// failed, otherwise declares (or assigns) `x` from its value.
#define EDGEPIX_ASSIGN_OR_RETURN(lhs, expr) \
  EDGEPIX_ASSIGN_OR_RETURN_IMPL_(EDGEPIX_STATUS_CONCAT_(edgepix_result_, __LINE__), lhs, expr)
#define EDGEPIX_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                   \
  if (!tmp.ok()) return tmp.status();                  \
  lhs = std::move(tmp).value()
#define EDGEPIX_STATUS_CONCAT_(a, b) EDGEPIX_STATUS_CONCAT_INNER_(a, b)
#define EDGEPIX_STATUS_CONCAT_INNER_(a, b) a##b

}  // namespace edgepix
