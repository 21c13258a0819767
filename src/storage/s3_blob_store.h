// The S3 blob store: originals and variants as objects in an S3-compatible
// bucket (tested against Ceph's RADOS Gateway), behind BlobStore
// (storage/blob_store.h), so N nodes can share one bucket.
//
// Layout under BUCKET/PREFIX/: images/<id>/original, images/<id>/<name>.webp
// (so one prefix listing finds every object of an image) and tmp/ for staged
// variants and the readiness probe.
//
// Promises, against BlobStore's contract:
// - An original is buffered by its BlobWriter up to `multipart_threshold`
//   bytes and sent with one PutObject at Commit; past that it becomes a
//   multipart upload, each `part_size` bytes sent as they arrive (at most
//   threshold + part size bytes held per writer). The object appears only when
//   PutObject / CompleteMultipartUpload succeeds (S3 makes it atomic); a writer
//   destroyed or failing before that aborts its multipart upload.
// - Every PutObject/UploadPart carries x-amz-content-sha256 = the payload's
//   SHA-256, so the server checks the bytes it stores.
// - OpenOriginal's BlobReader learns size and ETag with one HEAD and reads
//   each ReadAt with one ranged GET (If-Match the ETag: a replaced object is an
//   error, never a mix of two); no whole original is held in memory.
// - StageVariant uploads to tmp/; Publish is a server-side CopyObject to the
//   final key (one round trip without payload, so the lock Publish runs under,
//   JobStore::PublishVariant, is held briefly and nothing is ever half
//   visible); the temp object is deleted when the StagedVariant is destroyed,
//   i.e. after that lock. Uploading at Publish instead would hold the lock for
//   the whole upload. PutVariant is one PutObject (as atomic).
// - DeleteImage / DeleteVariants list images/<id>/ and delete each object.
// - RemoveStaleTempFiles removes tmp/ objects and aborts multipart uploads
//   older than `stale_after_seconds` only: other nodes sharing the bucket may
//   have uploads in flight right now.
// - FreeBytes is not applicable to a bucket: it reports kFreeBytesUnbounded,
//   so --min-free-mb never refuses uploads (quotas are the bucket's business).
// - CheckWritable puts, reads back and deletes a tiny tmp/ object, once, with
//   no retry (readiness reports the state now).
// - Requests are signed with SigV4 (sigv4/signer.h); transport errors,
//   timeouts, 429 and 5xx answers are retried with exponential backoff and
//   jitter up to `max_attempts` times; what stays failed is kUnavailable.
// - Each request's latency (retries included) goes to the histogram
//   edgepix_blob_store_seconds{store="s3",op=...}.
// Thread-safety: the store is safe to call from any number of threads (one
// libcurl handle per request in flight, from a pool); a writer, reader or
// staged variant is used by one thread at a time and must not outlive the store.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "storage/blob_store.h"

namespace edgepix {

struct S3BlobConfig {
  std::string endpoint;  // "http://host:port" (http or https)
  std::string bucket;
  std::string prefix;  // "" or "a/b": no leading or trailing '/'
  std::string region = "us-east-1";
  std::string access_key;
  std::string secret_key;
  uint64_t multipart_threshold = uint64_t{16} << 20;
  uint64_t part_size = uint64_t{8} << 20;  // S3's minimum is 5 MiB
  int max_attempts = 5;
  int backoff_initial_ms = 100;
  int backoff_max_ms = 3000;
  int connect_timeout_ms = 3000;
  // A request whose transfer stays below 1 KiB/s for this long is a timeout.
  int stall_timeout_s = 30;
  int64_t stale_after_seconds = 3600;
};

// s3://BUCKET[/PREFIX][?endpoint=http://HOST:PORT&region=R]; credentials are
// not part of the URL. kBadRequest naming what is wrong.
Result<S3BlobConfig> ParseBlobsUrl(const std::string& url);

// Checks that the bucket answers (HeadBucket, with retries) before returning.
Result<std::unique_ptr<BlobStore>> OpenS3BlobStore(const S3BlobConfig& config);

}  // namespace edgepix
