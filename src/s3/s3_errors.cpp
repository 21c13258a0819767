#include "s3/s3_errors.h"

#include <array>
#include <utility>

namespace edgepix::s3 {
namespace {

constexpr std::array<std::pair<std::string_view, int>, 34> kStatuses = {{
    {"AccessDenied", 403},
    {"AuthorizationHeaderMalformed", 400},
    {"AuthorizationQueryParametersError", 400},
    {"BadDigest", 400},
    {"BucketAlreadyOwnedByYou", 409},
    {"BucketNotEmpty", 409},
    {"EntityTooLarge", 400},
    {"EntityTooSmall", 400},
    {"IncompleteBody", 400},
    {"InsufficientStorage", 507},
    {"InternalError", 500},
    {"InvalidAccessKeyId", 403},
    {"InvalidArgument", 400},
    {"InvalidBucketName", 400},
    {"InvalidDigest", 400},
    {"InvalidPart", 400},
    {"InvalidPartOrder", 400},
    {"InvalidRange", 416},
    {"InvalidRequest", 400},
    {"KeyTooLongError", 400},
    {"MalformedXML", 400},
    {"MethodNotAllowed", 405},
    {"MissingContentLength", 411},
    {"NoSuchBucket", 404},
    {"NoSuchKey", 404},
    {"NoSuchUpload", 404},
    {"NotImplemented", 501},
    {"OperationAborted", 409},
    {"PreconditionFailed", 412},
    {"RequestTimeTooSkewed", 403},
    {"ServiceUnavailable", 503},
    {"SignatureDoesNotMatch", 403},
    {"SlowDown", 503},
    {"XAmzContentSHA256Mismatch", 400},
}};

}  // namespace

int S3StatusFor(std::string_view code) {
  for (const auto& [c, status] : kStatuses) {
    if (c == code) return status;
  }
  return 500;
}

S3Error FromAuth(const AuthResult& auth) {
  switch (auth.code) {
    case AuthCode::kOk:
      return {"", "", ""};
    case AuthCode::kMissing:
    case AuthCode::kExpired:
    case AuthCode::kNotYetValid:
      return {"AccessDenied", auth.message, ""};
    case AuthCode::kMalformed:
    case AuthCode::kWrongRegion:
      return {auth.presigned ? "AuthorizationQueryParametersError" : "AuthorizationHeaderMalformed",
              auth.message, ""};
    case AuthCode::kInvalidAccessKeyId:
      return {"InvalidAccessKeyId", auth.message, ""};
    case AuthCode::kSignatureDoesNotMatch:
      return {"SignatureDoesNotMatch", auth.message, ""};
    case AuthCode::kRequestTimeTooSkewed:
      return {"RequestTimeTooSkewed", auth.message, ""};
  }
  return {"InternalError", auth.message, ""};
}

S3Error FromStatus(const Status& status) {
  const std::string& m = status.message();
  switch (status.code()) {
    case ErrorCode::kTooLarge:
      return {"EntityTooLarge", "Your proposed upload exceeds the maximum allowed object size.",
              ""};
    case ErrorCode::kQueueFull:
    case ErrorCode::kBusy:
      return {"SlowDown", "Please reduce your request rate.", ""};
    case ErrorCode::kDiskFull:
      return {"InsufficientStorage", "Insufficient storage to complete the request.", ""};
    case ErrorCode::kUnavailable:
      return {"ServiceUnavailable", m, ""};
    case ErrorCode::kNotFound:
      return {"NoSuchKey", "The specified key does not exist.", ""};
    case ErrorCode::kBadRequest:
    case ErrorCode::kUnsupportedFormat:
    case ErrorCode::kUndecodable:
    case ErrorCode::kTooManyPixels:
    case ErrorCode::kOverMemoryBudget:
      return {"InvalidArgument", std::string(ErrorCodeName(status.code())) + ": " + m, ""};
    default:
      return {"InternalError", "We encountered an internal error. Please try again.", ""};
  }
}

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') {
          char buf[8];
          snprintf(buf, sizeof buf, "&#x%X;", static_cast<unsigned char>(c));
          out += buf;
        } else {
          out.push_back(c);
        }
    }
  }
  return out;
}

std::string ErrorXml(const S3Error& error, std::string_view resource, std::string_view request_id) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>";
  out += XmlEscape(error.code) + "</Code><Message>" + XmlEscape(error.message) + "</Message>";
  if (!error.server_time.empty()) out += "<ServerTime>" + error.server_time + "</ServerTime>";
  out += "<Resource>" + XmlEscape(resource) + "</Resource><RequestId>" + XmlEscape(request_id) +
         "</RequestId></Error>";
  return out;
}

}  // namespace edgepix::s3
