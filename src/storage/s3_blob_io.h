// The S3 blob store's writer, reader and staged variant (internal to
// storage/; what they promise is in storage/s3_blob_store.h): an original
// buffered, then PutObject or a multipart upload; ranged GETs under If-Match;
// a variant staged under tmp/ and published by CopyObject. Each is used by one
// thread at a time and must not outlive its bucket.
#pragma once

#include <memory>
#include <string>

#include "storage/blob_store.h"
#include "storage/s3_bucket.h"

namespace edgepix::s3client {

// Writes the original to `key` once Commit succeeds.
std::unique_ptr<BlobWriter> NewS3OriginalWriter(S3Bucket* bucket, std::string key);
// HEAD of `key` (kNotFound when absent), then a reader of that version.
Result<std::unique_ptr<BlobReader>> OpenS3OriginalReader(S3Bucket* bucket, const std::string& key);
// `temp` holds the bytes already; Publish copies it to `final_key`; the
// destructor deletes `temp`.
std::unique_ptr<StagedVariant> NewS3StagedVariant(S3Bucket* bucket, std::string temp,
                                                  std::string final_key);

}  // namespace edgepix::s3client
