// S3Client: signed S3 requests over libcurl, path-style
// (ENDPOINT/BUCKET/KEY), with retries (internal to storage/; the S3 blob store
// and its tests use it).
//
// Promises: every request is signed with SigV4 (sigv4/signer.h) at each
// attempt; transport errors (connect, send, receive, stall) and 429/5xx
// answers are retried with exponential backoff plus jitter, up to
// config.max_attempts (1 when S3Request::retry is false); any other answer is
// returned as it is, for the caller to judge. Only when every attempt failed
// is the result an error: kUnavailable with the last cause.
// Thread-safety: Send may be called from any number of threads at once; each
// call borrows one CURL handle from a small pool (connections are reused).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "storage/s3_blob_store.h"

namespace edgepix::s3client {

using NameValues = std::vector<std::pair<std::string, std::string>>;

struct S3Request {
  std::string method = "GET";
  std::string key;     // unencoded; empty: the bucket itself
  NameValues query;    // unencoded names and values
  NameValues headers;  // extra headers (Range, x-amz-copy-source, ...)
  std::string_view body;
  bool retry = true;
  const char* op = "other";  // metrics label: a closed set chosen by the caller
};

struct S3Response {
  long status = 0;
  NameValues headers;  // names in lower case
  std::string body;
  std::string Header(std::string_view lower_name) const;
};

class S3Client {
 public:
  explicit S3Client(S3BlobConfig config);
  ~S3Client();
  S3Client(const S3Client&) = delete;
  S3Client& operator=(const S3Client&) = delete;

  Result<S3Response> Send(const S3Request& request);
  const S3BlobConfig& config() const { return config_; }

 private:
  void* Acquire();
  void Release(void* handle);

  const S3BlobConfig config_;
  std::string host_;  // host[:port] of the endpoint, as the Host header
  std::mutex mu_;
  std::vector<void*> idle_;
};

// A non-2xx answer as a Status: 404 kNotFound, 403 kForbidden, 412 kConflict,
// 5xx/429 kUnavailable, others kIoError; the S3 error code and message are in
// the text, prefixed by `what`.
Status ErrorFrom(const S3Response& response, const std::string& what);
// An object key's path under the endpoint: "/BUCKET/KEY", each byte of the
// key encoded as SigV4 wants it ('/' kept).
std::string ObjectPath(const std::string& bucket, const std::string& key);

}  // namespace edgepix::s3client
