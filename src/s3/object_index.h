// ObjectIndex: the S3 buckets and object metadata, in the job database
// (tables s3_buckets and s3_objects, migration in jobs/sqlite_schema.cpp).
//
// Keys are opaque byte strings compared bytewise (S3's listing order); they
// never name a file: the bytes live in a BlobStore under `blob_id`, or are the
// original of job `job_id`. Put replaces and returns the previous row so the
// caller can remove the blob it no longer needs (after the row is committed).
//
// Thread-safety: all methods may be called concurrently (one connection,
// serialised by a mutex; SQLite's busy timeout covers the other connections).
//
// Change hook (SetChangeHook, before any concurrent use): `on_change` runs
// INSIDE the transaction of every Put (its kind, the new row) and of every Delete
// that removed a row (kDelete, the removed row), on the index's connection,
// before the commit; it may write rows of its own with `txn` (the webhook
// outbox: S3 event notifications), which commit or roll back with the object's
// metadata. What it throws rolls the change back and becomes the call's error.
// `after_commit` runs after such a commit (keep it short: wake a thread).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
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
  // Opens (migrating) the database at `path`.
  static Result<std::unique_ptr<ObjectIndex>> Open(const std::string& path);
  ~ObjectIndex();
  // See the header comment; either may be empty.
  void SetChangeHook(ObjectChangeHook on_change, std::function<void()> after_commit);

  // kConflict when it exists.
  Status CreateBucket(const std::string& name);
  Result<bool> BucketExists(const std::string& name);
  Result<std::vector<BucketRow>> ListBuckets();
  // kNotFound when missing, kConflict when it holds objects or multipart uploads.
  Status DeleteBucket(const std::string& name);

  // Inserts or replaces; returns the row it replaced. `kind` is what the
  // change hook is told (not kDelete).
  Result<std::optional<ObjectRow>> Put(const ObjectRow& row,
                                       ObjectChangeKind kind = ObjectChangeKind::kPut);
  Result<std::optional<ObjectRow>> Get(const std::string& bucket, const std::string& key);
  // Returns the removed row (nullopt when there was none).
  Result<std::optional<ObjectRow>> Delete(const std::string& bucket, const std::string& key);
  Result<ListPage> List(const std::string& bucket, const ListRequest& request);
  // Objects whose bytes are job `job_id`'s original.
  Result<std::vector<ObjectRow>> ByJob(const std::string& job_id);

 private:
  explicit ObjectIndex(std::unique_ptr<SQLite::Database> db);
  std::mutex mu_;
  std::unique_ptr<SQLite::Database> db_;
  ObjectChangeHook on_change_;
  std::function<void()> after_commit_;
};

}  // namespace edgepix::s3
