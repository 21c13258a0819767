// Status and Result<T>: errors as values at module boundaries.
//
// A Status is either OK or carries an ErrorCode plus a human-readable message.
// Every ErrorCode has a stable snake_case name (used in JSON errors) and a
// canonical HTTP status, so an error produced deep inside the image or storage
// layer reaches the client unchanged as {"error":{"code":..,"message":..}}.
// Result<T> holds either a T or a non-OK Status.
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace edgepix {

enum class ErrorCode {
  kOk = 0,
  kBadRequest,         // 400 malformed request
  kUnauthorized,       // 401
  kForbidden,          // 403
  kNotFound,           // 404
  kConflict,           // 409
  kTimeout,            // 408 request body slower than --min-body-rate
  kTooLarge,           // 413 body over --max-upload-mb
  kUnsupportedFormat,  // 415 not an image format we accept
  kUndecodable,        // 422 corrupt or truncated image
  kTooManyPixels,      // 422 header declares more than --max-megapixels
  kOverMemoryBudget,   // 422 decoding it would need more than --memory-budget-mb
  kQueueFull,          // 503 + Retry-After
  kUnavailable,        // 503 transient (shutting down, ...)
  kDiskFull,           // 507
  kIoError,            // 500
  kInternal,           // 500
};

// Stable machine-readable name, e.g. "unsupported_format".
const char* ErrorCodeName(ErrorCode code);
// Canonical HTTP status for the code (200 for kOk).
int HttpStatusFor(ErrorCode code);

class Status {
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

 private:
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

template <typename T>
class Result {
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

}  // namespace edgepix
