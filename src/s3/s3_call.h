// One S3 request being answered (internal to src/s3): its parsed path, query,
// request id and the helpers every operation uses to answer. Used by one
// thread (the connection's).
#pragma once

#include <httplib.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "s3/s3_errors.h"
#include "s3/s3_server.h"
#include "s3/sigv4.h"

namespace edgepix::s3 {

inline constexpr const char* kXmlHead = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
inline constexpr const char* kS3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

struct S3Call {
  const httplib::Request& req;
  httplib::Response& res;
  const S3Backends& backends;
  const S3Options& options;
  std::string request_id;
  std::string bucket;  // decoded; empty for "/"
  std::string key;     // decoded; empty for a bucket operation
  NameValues query;
  AuthResult auth;
  // The Range the client asked for (httplib's parse; cleared from req so
  // httplib does not apply it again).
  std::vector<std::pair<ssize_t, ssize_t>> ranges;

  bool head() const { return req.method == "HEAD"; }
  bool HasParam(std::string_view name) const;
  std::string Param(std::string_view name) const;
  void Fail(const S3Error& error);
  void Fail(std::string code, std::string message) {
    Fail(S3Error{std::move(code), std::move(message), ""});
  }
  void Xml(int status, const std::string& body);
};

// An object's metadata and bytes: a stored object (a plain blob or a job's
// original, read through `reader`) or a variant of an image object (`data`).
struct ObjectSource {
  ObjectRow meta;
  std::unique_ptr<BlobReader> reader;
  std::string data;
};
// Finds bucket/key (a stored object or a variant key); NoSuchBucket, NoSuchKey.
std::variant<ObjectSource, S3Error> OpenObject(const S3Call& call, const std::string& bucket,
                                               const std::string& key);
// The bucket and key of an x-amz-copy-source header ("bucket/key" or
// "/bucket/key", URL-encoded, "?versionId=null" allowed).
std::variant<std::pair<std::string, std::string>, S3Error> ParseCopySource(
    const std::string& header);
// The request's x-amz-copy-source-if-* conditions against the source's
// metadata (copy_conditions.h): PreconditionFailed when one does not hold.
std::optional<S3Error> CopySourcePreconditions(const S3Call& call, const ObjectRow& source);

// Operations (object_ops.cpp, bucket_ops.cpp).
void PutObject(S3Call& call, const httplib::ContentReader& reader);
void GetObject(S3Call& call);  // GET and HEAD
void DeleteObject(S3Call& call);
void CopyObject(S3Call& call);        // PUT with x-amz-copy-source
void GetObjectTagging(S3Call& call);  // always an empty tag set
// Multipart uploads (multipart_ops.cpp).
void CreateMultipartUpload(S3Call& call);
void UploadPart(S3Call& call, const httplib::ContentReader& reader);
void UploadPartCopy(S3Call& call);
void CompleteMultipartUpload(S3Call& call);
void AbortMultipartUpload(S3Call& call);
void ListParts(S3Call& call);
void ListMultipartUploads(S3Call& call);
void CreateBucket(S3Call& call);
void HeadBucket(S3Call& call);
void DeleteBucket(S3Call& call);
void ListBuckets(S3Call& call);
void ListObjectsV2(S3Call& call);
void GetBucketLocation(S3Call& call);

// "Wed, 12 Oct 2009 17:50:00 GMT" from the index's ISO 8601 time.
std::string HttpDate(const std::string& iso8601);
// The original key and variant a --s3-variant-key name stands for.
std::optional<std::pair<std::string, std::string>> SplitVariantKey(const std::string& templ,
                                                                   const std::string& key);
std::string VariantKey(const std::string& templ, const std::string& key,
                       const std::string& variant);
std::string VariantEtag(const std::string& job_id, const std::string& variant);

}  // namespace edgepix::s3
