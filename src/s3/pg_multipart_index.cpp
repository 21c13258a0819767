// MultipartIndex on PostgreSQL (see s3/pg_indexes.h).
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "common/log.h"
#include "jobs/pg_conn.h"
#include "jobs/pg_schema.h"
#include "jobs/pg_shared.h"
#include "s3/pg_indexes.h"

namespace edgepix::s3 {
namespace {

constexpr const char* kUploadColumns = "upload_id, bucket, key, content_type, initiated";
constexpr const char* kPartColumns = "upload_id, part_number, blob_id, size, etag, last_modified";

UploadRow ReadUpload(const PgResult& r, int i) {
  return {r.text(i, 0), r.text(i, 1), r.bytes(i, 2), r.text(i, 3), r.text(i, 4)};
}

PartRow ReadPart(const PgResult& r, int i) {
  PartRow p;
  p.upload_id = r.text(i, 0);
  p.part_number = static_cast<int>(r.int64(i, 1));
  p.blob_id = r.text(i, 2);
  p.size = static_cast<uint64_t>(r.int64(i, 3));
  p.etag = r.text(i, 4);
  p.last_modified = r.text(i, 5);
  return p;
}

std::vector<PartRow> ReadParts(const PgResult& r) {
  std::vector<PartRow> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(ReadPart(r, i));
  return out;
}

class PgMultipartIndex : public MultipartIndex {
 public:
  PgMultipartIndex(std::unique_ptr<PgPool> pool, std::string node_id,
                   std::chrono::seconds claim_for)
      : pool_(std::move(pool)), node_id_(std::move(node_id)), claim_for_(claim_for) {}

  Status Create(const UploadRow& upload) override {
    return RunPg(*pool_, "s3 multipart index", [&](PgConn& conn) -> Status {
      PgTransaction txn(conn);
      // Share-locks the bucket's row: a concurrent DeleteBucket waits.
      if (conn.Exec("SELECT 1 FROM s3_buckets WHERE name = $1 FOR SHARE", {upload.bucket}).rows() ==
          0) {
        return Status::Error(ErrorCode::kNotFound, "no such bucket");
      }
      conn.Exec(std::string("INSERT INTO s3_uploads (") + kUploadColumns +
                    ") VALUES ($1, $2, $3, $4, $5)",
                {upload.upload_id, upload.bucket, PgBytea(upload.key), upload.content_type,
                 upload.initiated});
      txn.Commit();
      return Status::Ok();
    });
  }

  Result<std::optional<UploadRow>> Get(const std::string& upload_id) override {
    using Out = Result<std::optional<UploadRow>>;
    return RunPg(*pool_, "s3 multipart index", [&](PgConn& conn) -> Out {
      PgResult r = conn.Exec(
          std::string("SELECT ") + kUploadColumns + " FROM s3_uploads WHERE upload_id = $1",
          {upload_id});
      if (r.rows() == 0) return std::optional<UploadRow>();
      return std::optional<UploadRow>(ReadUpload(r, 0));
    });
  }

  Result<std::optional<PartRow>> PutPart(const PartRow& part) override {
    using Out = Result<std::optional<PartRow>>;
    return RunPg(*pool_, "s3 multipart index", [&](PgConn& conn) -> Out {
      PgTransaction txn(conn);
      // Share-locks the upload: a Remove (complete, abort, sweep) on any node
      // waits for this part, or this part finds the upload gone.
      if (conn.Exec("SELECT 1 FROM s3_uploads WHERE upload_id = $1 FOR SHARE", {part.upload_id})
              .rows() == 0) {
        return Status::Error(ErrorCode::kNotFound, "no such upload");
      }
      const PgParams params = {part.upload_id, std::to_string(part.part_number),
                               part.blob_id,   std::to_string(part.size),
                               part.etag,      part.last_modified};
      std::optional<PartRow> previous;
      // As ObjectIndex::Put: replace the locked row, else insert; an insert
      // that meets a concurrent one's row goes round and replaces it.
      while (true) {
        PgResult old = conn.Exec(std::string("SELECT ") + kPartColumns +
                                     " FROM s3_parts WHERE upload_id = $1 AND part_number = $2"
                                     " FOR UPDATE",
                                 {part.upload_id, std::to_string(part.part_number)});
        if (old.rows() > 0) {
          previous = ReadPart(old, 0);
          conn.Exec(
              "UPDATE s3_parts SET blob_id = $3, size = $4, etag = $5, last_modified = $6"
              " WHERE upload_id = $1 AND part_number = $2",
              params);
          break;
        }
        PgResult inserted =
            conn.Exec(std::string("INSERT INTO s3_parts (") + kPartColumns +
                          ") VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
                      params);
        if (inserted.affected() == 1) break;
      }
      txn.Commit();
      return previous;
    });
  }

  Result<std::vector<PartRow>> Parts(const std::string& upload_id, int after, int max) override {
    return RunPg(*pool_, "s3 multipart index", [&](PgConn& conn) -> Result<std::vector<PartRow>> {
      return ReadParts(conn.Exec(std::string("SELECT ") + kPartColumns +
                                     " FROM s3_parts WHERE upload_id = $1 AND part_number > $2"
                                     " ORDER BY part_number LIMIT $3",
                                 {upload_id, std::to_string(after), std::to_string(max + 1)}));
    });
  }

  Result<std::vector<UploadRow>> List(const std::string& bucket,
                                      const UploadListRequest& request) override {
    return RunPg(*pool_, "s3 multipart index", [&](PgConn& conn) -> Result<std::vector<UploadRow>> {
      // Without an upload-id marker every upload of key_marker itself is
      // skipped. Upload ids compare as bytes too (COLLATE "C").
      const bool skip_marker_key = request.upload_id_marker.empty();
      PgResult r = conn.Exec(std::string("SELECT ") + kUploadColumns +
                                 " FROM s3_uploads WHERE bucket = $1 AND key >= $2"
                                 " AND (key > $3 OR (key = $3 AND NOT $5::boolean"
                                 " AND upload_id COLLATE \"C\" > $4))"
                                 " ORDER BY key, upload_id COLLATE \"C\" LIMIT $6",
                             {bucket, PgBytea(request.prefix), PgBytea(request.key_marker),
                              request.upload_id_marker, skip_marker_key ? "true" : "false",
                              std::to_string(static_cast<int64_t>(request.max_uploads) + 1)});
      std::vector<UploadRow> out;
      for (int i = 0; i < r.rows(); ++i) {
        UploadRow row = ReadUpload(r, i);
        if (!row.key.starts_with(request.prefix)) break;
        out.push_back(std::move(row));
      }
      return out;
    });
  }

  Result<std::optional<std::vector<PartRow>>> Remove(const std::string& upload_id) override {
    using Out = Result<std::optional<std::vector<PartRow>>>;
    return RunPg(*pool_, "s3 multipart index", [&](PgConn& conn) -> Out {
      PgTransaction txn(conn);
      // Waits for the parts being recorded (their share locks) to commit.
      if (conn.Exec("SELECT 1 FROM s3_uploads WHERE upload_id = $1 FOR UPDATE", {upload_id})
              .rows() == 0) {
        return std::optional<std::vector<PartRow>>();
      }
      std::vector<PartRow> parts = ReadParts(conn.Exec(
          std::string("DELETE FROM s3_parts WHERE upload_id = $1 RETURNING ") + kPartColumns,
          {upload_id}));
      conn.Exec("DELETE FROM s3_uploads WHERE upload_id = $1", {upload_id});
      txn.Commit();
      return std::optional<std::vector<PartRow>>(std::move(parts));
    });
  }

  Result<std::vector<std::string>> InitiatedBefore(const std::string& iso8601) override {
    return RunPg(
        *pool_, "s3 multipart index", [&](PgConn& conn) -> Result<std::vector<std::string>> {
          PgResult r =
              conn.Exec("SELECT upload_id FROM s3_uploads WHERE initiated < $1", {iso8601});
          std::vector<std::string> out;
          for (int i = 0; i < r.rows(); ++i) out.push_back(r.text(i, 0));
          return out;
        });
  }

  Result<uint64_t> PartBytes() override {
    return RunPg(*pool_, "s3 multipart index", [&](PgConn& conn) -> Result<uint64_t> {
      return static_cast<uint64_t>(
          conn.Exec("SELECT COALESCE(SUM(size), 0) FROM s3_parts").int64(0, 0));
    });
  }

  Result<uint64_t> UploadBytes(const std::string& upload_id, int except) override {
    return RunPg(*pool_, "s3 multipart index", [&](PgConn& conn) -> Result<uint64_t> {
      return static_cast<uint64_t>(
          conn.Exec("SELECT COALESCE(SUM(size), 0) FROM s3_parts WHERE upload_id = $1 AND "
                    "part_number <> $2",
                    {upload_id, std::to_string(except)})
              .int64(0, 0));
    });
  }

  Result<std::vector<std::string>> Unreferenced(const std::vector<std::string>& blob_ids) override {
    return RunPg(*pool_, "s3 multipart index",
                 [&](PgConn& conn) -> Result<std::vector<std::string>> {
                   std::vector<std::string> out;
                   for (const auto& id : blob_ids) {
                     if (conn.Exec("SELECT 1 FROM s3_parts WHERE blob_id = $1", {id}).rows() == 0) {
                       out.push_back(id);
                     }
                   }
                   return out;
                 });
  }

  bool Claim(const std::string& upload_id) override {
    {
      std::lock_guard lock(mu_);
      if (!claimed_.insert(upload_id).second) return false;
    }
    auto won = RunPg(*pool_, "s3 multipart claim", [&](PgConn& conn) -> Result<bool> {
      PgResult r = conn.Exec(
          "UPDATE s3_uploads SET claimed_by = $2,"
          " claimed_until = now() + make_interval(secs => $3)"
          " WHERE upload_id = $1 AND (claimed_by = '' OR claimed_by = $2"
          " OR claimed_until IS NULL OR claimed_until < now())",
          {upload_id, node_id_, std::to_string(claim_for_.count())});
      if (r.affected() == 1) return true;
      // No such upload: nothing to hold (the caller finds it gone).
      return conn.Exec("SELECT 1 FROM s3_uploads WHERE upload_id = $1", {upload_id}).rows() == 0;
    });
    if (won.ok() && *won) return true;
    if (!won.ok()) log::Warning("s3 multipart claim: " + won.status().ToString());
    std::lock_guard lock(mu_);
    claimed_.erase(upload_id);
    return false;
  }

  void Unclaim(const std::string& upload_id) override {
    Status st = RunPg(*pool_, "s3 multipart claim", [&](PgConn& conn) -> Status {
      conn.Exec(
          "UPDATE s3_uploads SET claimed_by = '', claimed_until = NULL"
          " WHERE upload_id = $1 AND claimed_by = $2",
          {upload_id, node_id_});
      return Status::Ok();
    });
    if (!st.ok()) log::Warning("s3 multipart unclaim: " + st.ToString());
    std::lock_guard lock(mu_);
    claimed_.erase(upload_id);
  }

 private:
  std::unique_ptr<PgPool> pool_;
  const std::string node_id_;
  const std::chrono::seconds claim_for_;
  std::mutex mu_;
  std::set<std::string> claimed_;  // this node's claims, under mu_
};

}  // namespace

Result<std::unique_ptr<MultipartIndex>> OpenPgMultipartIndex(const std::string& url,
                                                             const std::string& node_id,
                                                             std::chrono::seconds claim_for,
                                                             int connections) {
  try {
    auto pool = std::make_unique<PgPool>(url, connections);
    {
      auto lease = pool->Acquire();
      MigratePgJobSchema(lease.conn());
    }
    return std::unique_ptr<MultipartIndex>(
        new PgMultipartIndex(std::move(pool), node_id, claim_for));
  } catch (const std::exception& e) {
    return StatusFromPgError("s3 multipart index", e);
  }
}

}  // namespace edgepix::s3
