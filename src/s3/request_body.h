// The body of a PutObject or UploadPart as S3 clients send it: plain
// (x-amz-content-sha256 = hex SHA-256, or UNSIGNED-PAYLOAD), aws-chunked with
// its chunk signature chain (STREAMING-AWS4-HMAC-SHA256-PAYLOAD) or
// aws-chunked with a checksum trailer (STREAMING-UNSIGNED-PAYLOAD-TRAILER).
//
// ReceiveBody streams the decoded bytes into a BodySink and then checks them:
// the SHA-256 the request was signed with, Content-MD5, and every
// x-amz-checksum-crc32/-crc32c/-sha256 header or trailer. On any refusal the
// caller must not commit what the sink received. Used by one request's
// thread; internal to src/s3.
#pragma once

#include <optional>
#include <string>
#include <variant>

#include "s3/checksums.h"
#include "s3/s3_call.h"

namespace edgepix::s3 {

// Where the decoded bytes go.
class BodySink {
 public:
  virtual ~BodySink() = default;
  // false stops reading (the reason is what Close() returns).
  virtual bool Write(const char* data, size_t size) = 0;
  // The body ended (or stopped): the sink's error, if any.
  virtual Status Close() = 0;
};

struct BodyPlan {
  std::optional<uint64_t> declared;  // the decoded length, when the request says it
  DigestSet wanted;                  // digests something will be checked against
};

// Checks the payload mode and the declared length before anything is read.
std::variant<BodyPlan, S3Error> PlanBody(const S3Call& call);

// Reads the whole body into `sink`; `digests` (made from plan.wanted) holds
// the payload's digests afterwards. nullopt when every check passed.
std::optional<S3Error> ReceiveBody(S3Call& call, const httplib::ContentReader& reader,
                                   const BodyPlan& plan, BodySink& sink, PayloadDigests& digests);

// x-amz-checksum-* values among `sources` (headers or trailers) against the bytes.
std::optional<S3Error> CheckChecksums(const PayloadDigests& d, const NameValues& sources);

// The x-amz-checksum-* headers S3 echoes in a PUT's answer.
void EchoChecksumHeaders(S3Call& call);

}  // namespace edgepix::s3
