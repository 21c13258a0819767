// S3Bucket: the S3 blob store's view of its bucket (internal to storage/):
// the key layout under PREFIX/ (images/<id>/original, images/<id>/<name>.webp,
// tmp/) and the object operations the store needs, each one S3Client request
// (signed, retried) whose unexpected answer becomes a Status (ErrorFrom).
// Thread-safe as S3Client is; the bucket outlives every writer, reader and
// staged variant made on it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "storage/s3_blob_store.h"
#include "storage/s3_client.h"

namespace edgepix::s3client {

bool Is2xx(const S3Response& r);
// CompleteMultipartUpload and CopyObject may answer 200 with an <Error> body.
bool HasErrorBody(const S3Response& r);
// "2026-12-05T07:18:49.000Z" to seconds since the epoch; 0 when malformed.
int64_t ParseIsoTime(const std::string& t);
int64_t UnixNow();

// One ListObjectsV2 entry.
struct Listed {
  std::string key;
  int64_t modified = 0;
};

class S3Bucket {
 public:
  explicit S3Bucket(const S3BlobConfig& config) : client_(config) {
    if (!config.prefix.empty()) root_ = config.prefix + "/";
  }
  S3Client& client() { return client_; }
  std::string Key(const std::string& rest) const { return root_ + rest; }
  std::string ImageDir(const std::string& id) const { return Key("images/" + id + "/"); }
  std::string OriginalKey(const std::string& id) const { return ImageDir(id) + "original"; }
  std::string VariantKey(const std::string& id, const std::string& name) const;

  // PutObject, GetObject (200 only), DeleteObject, CopyObject (server side).
  Status Put(const std::string& key, std::string_view data, const char* op, bool retry = true);
  Result<std::string> Get(const std::string& key, const char* op, bool retry = true);
  // Missing is not an error (S3 answers 204 either way; some servers 404).
  Status Delete(const std::string& key, bool retry = true);
  Status Copy(const std::string& from, const std::string& to);
  // Every key under `prefix` (ListObjectsV2, page by page).
  Result<std::vector<Listed>> List(const std::string& prefix);
  // The "directories" right under `prefix` (ListObjectsV2 with a delimiter).
  Result<std::vector<std::string>> ListDirs(const std::string& prefix);
  // AbortMultipartUpload; an unknown upload is not an error.
  Status AbortUpload(const std::string& key, const std::string& upload_id);

 private:
  S3Client client_;
  std::string root_;
};

}  // namespace edgepix::s3client
