// S3Server: the S3-compatible listener (--s3-listen), path-style
// /{bucket}/{key}, on its own socket beside the main HTTP server.
//
// Every request is authenticated (SigV4 header or presigned query, SigV2
// presigned query) before anything is read or stored; CORS preflights are the
// only unauthenticated requests. Operations: PutObject, GetObject (Range),
// HeadObject, DeleteObject, CopyObject, GetObjectTagging (empty),
// ListObjectsV2, CreateBucket, HeadBucket, ListBuckets, DeleteBucket,
// GetBucketLocation, and multipart uploads (CreateMultipartUpload, UploadPart,
// UploadPartCopy, CompleteMultipartUpload, AbortMultipartUpload, ListParts,
// ListMultipartUploads: parts staged in their
// own BlobStore, recorded in MultipartIndex, stale ones swept after
// S3Options::multipart_ttl); anything else is 501 NotImplemented. A PutObject whose bytes sniff as
// an image becomes a job through jobs/Intake (header x-edgepix-job-id); its variants are readable
// (and listed) under the --s3-variant-key template. Other objects are stored
// in their own BlobStore (fsync'd, atomic); metadata lives in ObjectIndex.
// With --s3-complete-marker (S3Backends::prefix_batches) an image joins its
// prefix's open batch and a PUT of PREFIX/MARKER closes it (answer header
// x-edgepix-batch-id); S3 event notifications are ObjectIndex's change hook.
//
// Listen() blocks until Stop() (from another thread; Stop before Listen makes
// Listen return at once, and a Stop racing with Listen's start still ends it:
// Stop repeats httplib's stop until Listen has returned). Everything passed in must outlive the
// server.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "jobs/intake.h"
#include "jobs/job_notifier.h"
#include "jobs/job_store.h"
#include "jobs/worker_pool.h"
#include "s3/object_index.h"
#include "storage/blob_store.h"

namespace httplib {
class Server;
}

namespace edgepix::s3 {

struct S3Options {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string region = "us-east-1";
  std::map<std::string, std::string> credentials;  // access key -> secret
  std::vector<std::string> buckets;                // created at start when missing
  // "{key}" and "{variant}" are replaced.
  std::string variant_key = "{key}.{variant}.webp";
  std::vector<std::string> cors_origins;  // "*" allows any
  // --s3-notify endpoints (wired to the webhook outbox outside src/s3).
  std::vector<std::string> notify;
  // --s3-complete-marker: PUT PREFIX/NAME closes PREFIX/'s batch; empty = off.
  std::string complete_marker;
  // Multipart uploads older than this are aborted by the sweep.
  std::chrono::seconds multipart_ttl = std::chrono::hours(24);
  int http_threads = 64;
  int read_timeout_seconds = 30;
  // Keep-alive as on the main listener (serve copies http::ServerOptions'):
  // SDKs send many requests on one connection, and so S3 lets them. -1 leaves
  // cpp-httplib's own (5 s, and a close after every 5th answer).
  int keep_alive_seconds = -1;
  int keep_alive_max_requests = -1;
  uint64_t min_free_bytes = 64ull << 20;
  // The multipart index and part store are shared with other nodes
  // (PostgreSQL): at start only part blobs without a row older than this are
  // removed (s3/multipart_sweep.h); 0 = every one (a lone node).
  int64_t orphan_part_grace_seconds = 0;
};

class PrefixBatches;
class MultipartIndex;
class MultipartSweeper;

struct S3Backends {
  ObjectIndex* index = nullptr;
  BlobStore* objects = nullptr;  // plain (non-image) object bytes
  BlobStore* images = nullptr;   // the job originals and variants
  JobStore* jobs = nullptr;
  JobNotifier* notifier = nullptr;
  Intake* intake = nullptr;
  WorkerPool* workers = nullptr;  // may be null
  // --s3-complete-marker's batches; null when the flag is not set.
  PrefixBatches* prefix_batches = nullptr;
  // Multipart uploads: their rows and the staged parts' bytes (both or
  // neither; without them multipart requests answer 501).
  MultipartIndex* uploads = nullptr;
  BlobStore* parts = nullptr;
};

// S3's bucket naming rules: 3-63 of [a-z0-9.-], alphanumeric at both ends, no "..".
bool ValidBucketName(std::string_view name);

class S3Server {
 public:
  S3Server(S3Backends backends, S3Options options);
  ~S3Server();
  // Creates the --s3-bucket buckets, removes orphaned parts, starts the
  // multipart sweep and binds; returns the port.
  Result<int> Bind();
  Status Listen();
  void Stop();

 private:
  S3Backends backends_;
  S3Options options_;
  std::unique_ptr<httplib::Server> server_;
  std::unique_ptr<MultipartSweeper> sweeper_;
  std::mutex mu_;
  std::condition_variable listen_ended_;
  bool stopping_ = false;   // under mu_
  bool listening_ = false;  // under mu_: inside Listen()
};

}  // namespace edgepix::s3
