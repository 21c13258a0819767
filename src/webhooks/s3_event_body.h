// The body of an S3 event notification (--s3-notify), in the shape of AWS's
// S3 event message structure (version 2.1): {"Records": [{"eventVersion",
// "eventSource": "aws:s3", "awsRegion", "eventTime", "eventName",
// "s3": {"bucket": {"name", "arn"}, "object": {"key", "size", "eTag",
// "sequencer"}}}]}, so a receiver written for a Lambda S3 trigger reads it
// unchanged. As in AWS's messages, the key is URL-encoded with '+' for spaces,
// the eTag is unquoted, and ObjectRemoved:Delete carries no size or eTag.
// Pure functions except NextS3Sequencer; all thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace edgepix::webhooks {

struct S3ObjectEvent {
  std::string event_name;  // "ObjectCreated:Put" (:Copy, :CompleteMultipartUpload) or
                           // "ObjectRemoved:Delete"
  std::string region;
  std::string event_time;  // ISO 8601 UTC with milliseconds
  std::string bucket;
  std::string key;    // as stored (raw bytes)
  uint64_t size = 0;  // ObjectCreated only
  std::string etag;   // quoted or not; sent unquoted (ObjectCreated only)
  std::string sequencer;
};

// As S3's event keys: unreserved bytes and '/' kept, ' ' as '+', everything
// else %XX (upper case).
std::string S3EventKeyEncode(std::string_view key);
std::string S3EventBody(const S3ObjectEvent& event);
// A hex string that grows with every call in this process (and with time
// across restarts): orders the events of one key, as S3's sequencer does.
std::string NextS3Sequencer();
// Now as "2026-12-04T15:52:00.123Z".
std::string S3EventTimeNow();

}  // namespace edgepix::webhooks
