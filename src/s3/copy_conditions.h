// The copy-source conditions of CopyObject and UploadPartCopy
// (x-amz-copy-source-if-match, -if-none-match, -if-modified-since,
// -if-unmodified-since), evaluated as S3 documents them against the source
// object's ETag and Last-Modified.
//
// Promises: nullopt when the copy may proceed, else S3's 412
// PreconditionFailed. If-Match true wins over a false If-Unmodified-Since;
// If-None-Match, when present, decides alone (If-Modified-Since is then not
// looked at, as RFC 9110 says). A date that does not parse as an HTTP date is
// ignored, as S3 ignores it. Dates compare at whole seconds (the resolution
// of Last-Modified). Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "s3/s3_errors.h"

namespace edgepix::s3 {

struct CopyConditions {
  std::optional<std::string> if_match, if_none_match;                 // ETag lists, or "*"
  std::optional<std::string> if_modified_since, if_unmodified_since;  // HTTP dates
};

// `etag` quoted as stored; `last_modified` ISO 8601 UTC as the index keeps it.
std::optional<S3Error> CheckCopyConditions(const CopyConditions& conditions,
                                           const std::string& etag,
                                           const std::string& last_modified);

// Seconds since the epoch of an HTTP date (IMF-fixdate, "Wed, 21 Oct 2015
// 07:28:00 GMT"), or of ISO 8601 UTC ("2015-10-21T07:28:00.000Z"); nullopt
// when it does not parse.
std::optional<int64_t> ParseHttpDate(const std::string& text);
std::optional<int64_t> ParseIso8601(const std::string& text);

}  // namespace edgepix::s3
