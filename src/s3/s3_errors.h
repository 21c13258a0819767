// S3's error answers: each S3 error code and its HTTP status, written once.
//
// Every error is S3's XML shape (<Error><Code/><Message/><Resource/>
// <RequestId/></Error>) with x-amz-request-id; a HEAD answer carries the
// status and headers only. Edgepix's own refusals (ErrorCode) and SigV4/SigV2
// refusals (AuthCode) map here to the code an S3 client expects.
// Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "s3/sigv4.h"

namespace edgepix::s3 {

struct S3Error {
  std::string code;  // e.g. "NoSuchKey"
  std::string message;
  std::string server_time;  // RequestTimeTooSkewed only (ISO 8601)
};

// The HTTP status S3 answers `code` with (500 for an unknown code).
int S3StatusFor(std::string_view code);
S3Error FromAuth(const AuthResult& auth);
// kTooLarge -> EntityTooLarge, kQueueFull -> SlowDown, kDiskFull -> InsufficientStorage, ...
S3Error FromStatus(const Status& status);
std::string ErrorXml(const S3Error& error, std::string_view resource, std::string_view request_id);
std::string XmlEscape(std::string_view text);

}  // namespace edgepix::s3
