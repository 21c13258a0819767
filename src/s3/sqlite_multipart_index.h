// SqliteMultipartIndex: MultipartIndex (s3/multipart_index.h) in the SQLite
// job database in --data (tables s3_uploads and s3_parts, migration in
// jobs/sqlite_schema.cpp); claims are in memory (one node).
//
// Thread-safety: all methods may be called concurrently (one connection,
// serialised by a mutex; SQLite's busy timeout covers the other connections).
#pragma once

#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "s3/multipart_index.h"

namespace SQLite {
class Database;
}

namespace edgepix::s3 {

class SqliteMultipartIndex : public MultipartIndex {
 public:
  // Opens (migrating) the database at `path`.
  static Result<std::unique_ptr<SqliteMultipartIndex>> Open(const std::string& path);
  ~SqliteMultipartIndex() override;

  Status Create(const UploadRow& upload) override;
  Result<std::optional<UploadRow>> Get(const std::string& upload_id) override;
  Result<std::optional<PartRow>> PutPart(const PartRow& part) override;
  Result<std::vector<PartRow>> Parts(const std::string& upload_id, int after = 0,
                                     int max = 10000) override;
  Result<std::vector<UploadRow>> List(const std::string& bucket,
                                      const UploadListRequest& request) override;
  Result<std::optional<std::vector<PartRow>>> Remove(const std::string& upload_id) override;
  Result<std::vector<std::string>> InitiatedBefore(const std::string& iso8601) override;
  Result<uint64_t> PartBytes() override;
  Result<uint64_t> UploadBytes(const std::string& upload_id, int except = 0) override;
  Result<std::vector<std::string>> Unreferenced(const std::vector<std::string>& blob_ids) override;
  bool Claim(const std::string& upload_id) override;
  void Unclaim(const std::string& upload_id) override;

 private:
  explicit SqliteMultipartIndex(std::unique_ptr<SQLite::Database> db);
  std::mutex mu_;
  std::unique_ptr<SQLite::Database> db_;
  std::set<std::string> claimed_;  // under mu_
};

}  // namespace edgepix::s3
