// SqliteObjectIndex: ObjectIndex (s3/object_index.h) in the SQLite job
// database in --data (tables s3_buckets and s3_objects, migration in
// jobs/sqlite_schema.cpp), with the change hook that writes S3 event
// notifications into the SQLite webhook outbox in the object's transaction.
//
// Thread-safety: all methods may be called concurrently (one connection,
// serialised by a mutex; SQLite's busy timeout covers the other connections).
// SetChangeHook before any concurrent use.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "s3/object_index.h"

namespace edgepix::s3 {

class SqliteObjectIndex : public ObjectIndex {
 public:
  // Opens (migrating) the database at `path`.
  static Result<std::unique_ptr<SqliteObjectIndex>> Open(const std::string& path);
  ~SqliteObjectIndex() override;
  // See object_index.h's header comment; either may be empty.
  void SetChangeHook(ObjectChangeHook on_change, std::function<void()> after_commit);

  Status CreateBucket(const std::string& name) override;
  Result<bool> BucketExists(const std::string& name) override;
  Result<std::vector<BucketRow>> ListBuckets() override;
  Status DeleteBucket(const std::string& name) override;
  Result<std::optional<ObjectRow>> Put(const ObjectRow& row,
                                       ObjectChangeKind kind = ObjectChangeKind::kPut) override;
  Result<std::optional<ObjectRow>> Get(const std::string& bucket, const std::string& key) override;
  Result<std::optional<ObjectRow>> Delete(const std::string& bucket,
                                          const std::string& key) override;
  Result<ListPage> List(const std::string& bucket, const ListRequest& request) override;
  Result<std::vector<ObjectRow>> ByJob(const std::string& job_id) override;

 private:
  explicit SqliteObjectIndex(std::unique_ptr<SQLite::Database> db);
  std::mutex mu_;
  std::unique_ptr<SQLite::Database> db_;
  ObjectChangeHook on_change_;
  std::function<void()> after_commit_;
};

}  // namespace edgepix::s3
