// ObjectIndex: the S3 buckets and object metadata, in the job database
// (tables s3_buckets and s3_objects). An interface with two implementations:
// SqliteObjectIndex (s3/sqlite_object_index.h: the SQLite file in --data,
// migration in jobs/sqlite_schema.cpp) and the PostgreSQL one
// (s3/pg_indexes.h: the shared job database of --jobs-url, migration in
// jobs/pg_schema.cpp), so several nodes serve one S3 namespace.
//
// Keys are opaque byte strings compared bytewise (S3's listing order) on
// both; they never name a file: the bytes live in a BlobStore under
// `blob_id`, or are the original of job `job_id`. Put replaces and returns the
// previous row so the caller can remove the blob it no longer needs (after the
// row is committed). A job's deletion deletes the rows naming it, in the same
// transaction (a trigger on both databases).
//
// Thread-safety: all methods may be called concurrently, from several nodes
// on PostgreSQL (each call is one transaction).
//
// Change hook (SqliteObjectIndex::SetChangeHook; S3 event notifications):
// `on_change` runs INSIDE the transaction of every Put (its kind, the new row)
// and of every Delete that removed a row (kDelete, the removed row), on the
// index's connection, before the commit; it may write rows of its own with
// `txn` (the webhook outbox: S3 event notifications), which commit or roll
// back with the object's metadata. What it throws rolls the change back and
// becomes the call's error. `after_commit` runs after such a commit (keep it
// short: wake a thread). The PostgreSQL index has no hook yet.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace SQLite {
class Database;
}

namespace edgepix::s3 {

struct ObjectRow {
  std::string bucket;
  std::string key;
  std::string blob_id;  // bytes in the S3 blob store, or
  std::string job_id;   // the original of this job
  uint64_t size = 0;
  std::string etag;  // quoted hex MD5
  std::string content_type;
  std::string last_modified;  // ISO 8601 UTC
};

// How an object came to be (S3's event names ObjectCreated:Put, :Copy,
// :CompleteMultipartUpload) or went (ObjectRemoved:Delete).
enum class ObjectChangeKind { kPut, kCopy, kCompleteMultipartUpload, kDelete };

struct ObjectChange {
  ObjectChangeKind kind = ObjectChangeKind::kPut;
  const ObjectRow& row;
};

using ObjectChangeHook = std::function<void(SQLite::Database& txn, const ObjectChange& change)>;

struct BucketRow {
  std::string name;
  std::string created_at;
};

struct ListRequest {
  std::string prefix;
  std::string delimiter;
  std::string after;  // exclusive start (start-after or continuation token)
  int max_keys = 1000;
};

struct ListPage {
  std::vector<ObjectRow> objects;
  std::vector<std::string> common_prefixes;
  bool truncated = false;
  std::string last;  // the last key or prefix returned (next continuation point)
};

class ObjectIndex {
 public:
  virtual ~ObjectIndex() = default;

  // kConflict when it exists.
  virtual Status CreateBucket(const std::string& name) = 0;
  virtual Result<bool> BucketExists(const std::string& name) = 0;
  virtual Result<std::vector<BucketRow>> ListBuckets() = 0;
  // kNotFound when missing, kConflict when it holds objects or multipart uploads.
  virtual Status DeleteBucket(const std::string& name) = 0;

  // Inserts or replaces; returns the row it replaced. `kind` is what the
  // change hook is told (not kDelete).
  virtual Result<std::optional<ObjectRow>> Put(const ObjectRow& row,
                                               ObjectChangeKind kind = ObjectChangeKind::kPut) = 0;
  virtual Result<std::optional<ObjectRow>> Get(const std::string& bucket,
                                               const std::string& key) = 0;
  // Returns the removed row (nullopt when there was none).
  virtual Result<std::optional<ObjectRow>> Delete(const std::string& bucket,
                                                  const std::string& key) = 0;
  virtual Result<ListPage> List(const std::string& bucket, const ListRequest& request) = 0;
  // Objects whose bytes are job `job_id`'s original.
  virtual Result<std::vector<ObjectRow>> ByJob(const std::string& job_id) = 0;
};

// ListObjectsV2's walk over rows in bytewise key order, shared by the
// implementations: `fetch(cursor, inclusive)` returns up to `batch` rows of
// the bucket with key > cursor (>= when inclusive), in key order.
Result<ListPage> WalkListing(
    const ListRequest& request, int batch,
    const std::function<Result<std::vector<ObjectRow>>(const std::string& cursor, bool inclusive)>&
        fetch);

}  // namespace edgepix::s3
