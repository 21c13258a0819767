// ObjectIndex on PostgreSQL (see s3/pg_indexes.h).
#include <memory>
#include <string>

#include "jobs/job.h"
#include "jobs/pg_conn.h"
#include "jobs/pg_schema.h"
#include "jobs/pg_shared.h"
#include "s3/pg_indexes.h"

namespace edgepix::s3 {
namespace {

constexpr const char* kColumns =
    "bucket, key, blob_id, job_id, size, etag, content_type, last_modified";
constexpr int kListBatch = 256;

ObjectRow ReadRow(const PgResult& r, int i) {
  ObjectRow row;
  row.bucket = r.text(i, 0);
  row.key = r.bytes(i, 1);
  row.blob_id = r.text(i, 2);
  row.job_id = r.text(i, 3);
  row.size = static_cast<uint64_t>(r.int64(i, 4));
  row.etag = r.text(i, 5);
  row.content_type = r.text(i, 6);
  row.last_modified = r.text(i, 7);
  return row;
}

std::vector<ObjectRow> ReadRows(const PgResult& r) {
  std::vector<ObjectRow> out;
  out.reserve(static_cast<size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) out.push_back(ReadRow(r, i));
  return out;
}

std::optional<ObjectRow> GetRow(PgConn& conn, const std::string& bucket, const std::string& key,
                                bool for_update) {
  PgResult r = conn.Exec(std::string("SELECT ") + kColumns +
                             " FROM s3_objects WHERE bucket = $1 AND key = $2" +
                             (for_update ? " FOR UPDATE" : ""),
                         {bucket, PgBytea(key)});
  if (r.rows() == 0) return std::nullopt;
  return ReadRow(r, 0);
}

class PgObjectIndex : public ObjectIndex {
 public:
  PgObjectIndex(std::unique_ptr<PgPool> pool, PgObjectHooks hooks)
      : pool_(std::move(pool)), hooks_(std::move(hooks)) {}

  Status CreateBucket(const std::string& name) override {
    return RunPg(*pool_, "s3 index", [&](PgConn& conn) -> Status {
      PgResult r = conn.Exec(
          "INSERT INTO s3_buckets (name, created_at) VALUES ($1, $2) ON CONFLICT DO NOTHING",
          {name, NowIso8601()});
      if (r.affected() == 0) return Status::Error(ErrorCode::kConflict, "bucket exists");
      return Status::Ok();
    });
  }

  Result<bool> BucketExists(const std::string& name) override {
    return RunPg(*pool_, "s3 index", [&](PgConn& conn) -> Result<bool> {
      return conn.Exec("SELECT 1 FROM s3_buckets WHERE name = $1", {name}).rows() > 0;
    });
  }

  Result<std::vector<BucketRow>> ListBuckets() override {
    return RunPg(*pool_, "s3 index", [&](PgConn& conn) -> Result<std::vector<BucketRow>> {
      PgResult r = conn.Exec("SELECT name, created_at FROM s3_buckets ORDER BY name");
      std::vector<BucketRow> out;
      for (int i = 0; i < r.rows(); ++i) out.push_back({r.text(i, 0), r.text(i, 1)});
      return out;
    });
  }

  Status DeleteBucket(const std::string& name) override {
    return RunPg(*pool_, "s3 index", [&](PgConn& conn) -> Status {
      PgTransaction txn(conn);
      // The bucket's row first: a concurrent Put or CreateMultipartUpload
      // (whose foreign key share-locks it) waits for us, or we for it.
      PgResult bucket = conn.Exec("SELECT 1 FROM s3_buckets WHERE name = $1 FOR UPDATE", {name});
      if (bucket.rows() == 0) return Status::Error(ErrorCode::kNotFound, "no such bucket");
      if (conn.Exec("SELECT 1 FROM s3_objects WHERE bucket = $1 LIMIT 1", {name}).rows() > 0) {
        return Status::Error(ErrorCode::kConflict, "bucket not empty");
      }
      if (conn.Exec("SELECT 1 FROM s3_uploads WHERE bucket = $1 LIMIT 1", {name}).rows() > 0) {
        return Status::Error(ErrorCode::kConflict, "uploads in progress");
      }
      conn.Exec("DELETE FROM s3_buckets WHERE name = $1", {name});
      txn.Commit();
      return Status::Ok();
    });
  }

  Result<std::optional<ObjectRow>> Put(const ObjectRow& row, ObjectChangeKind kind) override {
    using Out = Result<std::optional<ObjectRow>>;
    return RunPg(*pool_, "s3 index", [&](PgConn& conn) -> Out {
      PgTransaction txn(conn);
      const PgParams params = {row.bucket,       PgBytea(row.key),         row.blob_id,
                               row.job_id,       std::to_string(row.size), row.etag,
                               row.content_type, row.last_modified};
      std::optional<ObjectRow> previous;
      // Lock the key's row and replace it; when there is none, insert. An
      // insert that meets a concurrent one's row (committed meanwhile) goes
      // round again and replaces that row, so whoever replaces a row is told
      // which, and frees its blob.
      while (true) {
        previous = GetRow(conn, row.bucket, row.key, /*for_update=*/true);
        if (previous) {
          conn.Exec(
              "UPDATE s3_objects SET blob_id = $3, job_id = $4, size = $5, etag = $6,"
              " content_type = $7, last_modified = $8 WHERE bucket = $1 AND key = $2",
              params);
          break;
        }
        PgResult inserted =
            conn.Exec(std::string("INSERT INTO s3_objects (") + kColumns +
                          ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
                      params);
        if (inserted.affected() == 1) break;
      }
      if (hooks_.on_change) hooks_.on_change(conn, ObjectChange{kind, row});
      txn.Commit();
      Committed();
      return previous;
    });
  }

  Result<std::optional<ObjectRow>> Get(const std::string& bucket, const std::string& key) override {
    using Out = Result<std::optional<ObjectRow>>;
    return RunPg(*pool_, "s3 index",
                 [&](PgConn& conn) -> Out { return GetRow(conn, bucket, key, false); });
  }

  Result<std::optional<ObjectRow>> Delete(const std::string& bucket,
                                          const std::string& key) override {
    using Out = Result<std::optional<ObjectRow>>;
    return RunPg(*pool_, "s3 index", [&](PgConn& conn) -> Out {
      PgTransaction txn(conn);
      PgResult r = conn.Exec(std::string("DELETE FROM s3_objects WHERE bucket = $1 AND key = $2"
                                         " RETURNING ") +
                                 kColumns,
                             {bucket, PgBytea(key)});
      if (r.rows() == 0) return std::optional<ObjectRow>();
      ObjectRow removed = ReadRow(r, 0);
      if (hooks_.on_change)
        hooks_.on_change(conn, ObjectChange{ObjectChangeKind::kDelete, removed});
      txn.Commit();
      Committed();
      return std::optional<ObjectRow>(std::move(removed));
    });
  }

  Result<ListPage> List(const std::string& bucket, const ListRequest& request) override {
    return WalkListing(
        request, kListBatch,
        [&](const std::string& cursor, bool inclusive) -> Result<std::vector<ObjectRow>> {
          return RunPg(*pool_, "s3 index", [&](PgConn& conn) -> Result<std::vector<ObjectRow>> {
            return ReadRows(conn.Exec(std::string("SELECT ") + kColumns +
                                          " FROM s3_objects WHERE bucket = $1 AND key " +
                                          (inclusive ? ">=" : ">") + " $2 ORDER BY key LIMIT " +
                                          std::to_string(kListBatch),
                                      {bucket, PgBytea(cursor)}));
          });
        });
  }

  Result<std::vector<ObjectRow>> ByJob(const std::string& job_id) override {
    return RunPg(*pool_, "s3 index", [&](PgConn& conn) -> Result<std::vector<ObjectRow>> {
      return ReadRows(conn.Exec(
          std::string("SELECT ") + kColumns + " FROM s3_objects WHERE job_id = $1", {job_id}));
    });
  }

 private:
  void Committed() {
    if (hooks_.on_change && hooks_.after_commit) hooks_.after_commit();
  }
  std::unique_ptr<PgPool> pool_;
  const PgObjectHooks hooks_;
};

}  // namespace

Result<std::unique_ptr<ObjectIndex>> OpenPgObjectIndex(const std::string& url, int connections,
                                                       PgObjectHooks hooks) {
  try {
    auto pool = std::make_unique<PgPool>(url, connections);
    {
      auto lease = pool->Acquire();
      MigratePgJobSchema(lease.conn());
    }
    return std::unique_ptr<ObjectIndex>(new PgObjectIndex(std::move(pool), std::move(hooks)));
  } catch (const std::exception& e) {
    return StatusFromPgError("s3 index", e);
  }
}

}  // namespace edgepix::s3
