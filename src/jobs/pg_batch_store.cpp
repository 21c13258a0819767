// The PostgreSQL BatchStore and GrantStore: rows beside the jobs in the same
// database; a job's change and its batch's counts are one transaction (see
// pg_batch_rows.h), a grant is used up in the transaction inserting its job
// (PgJobStore::InsertWithGrant).
#include <algorithm>
#include <charconv>
#include <limits>

#include "jobs/batch_store.h"
#include "jobs/grant_store.h"
#include "jobs/intake.h"
#include "jobs/job_row_codec.h"
#include "jobs/list_cursor.h"
#include "jobs/pg_batch_rows.h"
#include "jobs/pg_shared.h"

namespace edgepix {
namespace {

class PgBatchStore : public BatchStore {
 public:
  explicit PgBatchStore(std::shared_ptr<PgShared> shared) : s_(std::move(shared)) {}

  Result<Batch> Create(const NewBatch& request) override {
    return RunPg(*s_->pool, "create batch", [&](PgConn& c) -> Result<Batch> {
      Batch b;
      b.id = NewJobId();
      b.metadata = request.metadata.is_object() ? request.metadata : nlohmann::json(nullptr);
      b.callback_url = request.callback_url;
      b.created_at = b.updated_at = NowIso8601();
      c.Exec(
          "INSERT INTO batches (id, seq, status, version, metadata_json, callback_url, "
          "created_at, updated_at) VALUES ($1, nextval('batch_seq'), $2, $3, $4, $5, $6, $7)",
          {b.id, std::string(BatchStatusName(b.status)), std::to_string(b.version),
           b.metadata.dump(), b.callback_url, b.created_at, b.updated_at});
      return b;
    });
  }

  Status Import(const Batch& b) override {
    return RunPg(*s_->pool, "import batch", [&](PgConn& c) -> Status {
      PgResult r = c.Exec(
          "INSERT INTO batches (id, seq, status, version, metadata_json, callback_url, "
          "created_at, updated_at, closed_at, total, pending, processing, completed, failed) "
          "VALUES ($1, nextval('batch_seq'), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) "
          "ON CONFLICT (id) DO NOTHING",
          {b.id, std::string(BatchStatusName(b.status)), std::to_string(b.version),
           b.metadata.dump(), b.callback_url, b.created_at, b.updated_at, b.closed_at,
           std::to_string(b.counts.total), std::to_string(b.counts.pending),
           std::to_string(b.counts.processing), std::to_string(b.counts.completed),
           std::to_string(b.counts.failed)});
      if (r.affected() != 1)
        return Status::Error(ErrorCode::kConflict, "batch " + b.id + " exists");
      return Status::Ok();
    });
  }

  Result<Batch> Get(const std::string& id) override {
    return RunPg(*s_->pool, "get batch", [&](PgConn& c) -> Result<Batch> {
      auto b = SelectBatch(c, id, false);
      if (!b) return Status::Error(ErrorCode::kNotFound, "no batch " + id);
      return std::move(*b);
    });
  }

  Result<BatchListPage> List(const BatchListQuery& query) override {
    EDGEPIX_ASSIGN_OR_RETURN(auto before, ParseListCursor(query.cursor));
    const int limit = std::clamp(query.limit, 1, kMaxListLimit);
    return RunPg(*s_->pool, "list batches", [&](PgConn& c) -> Result<BatchListPage> {
      std::string sql =
          std::string("SELECT ") + kBatchColumns + ", seq FROM batches WHERE seq < $1";
      PgParams p = {std::to_string(before), std::to_string(limit + 1)};
      if (query.status) {
        p.push_back(std::string(BatchStatusName(*query.status)));
        sql += " AND status = $3";
      }
      sql += " ORDER BY seq DESC LIMIT $2";
      PgResult r = c.Exec(sql, p);
      BatchListPage page;
      for (int i = 0; i < r.rows(); ++i) {
        if (i == limit) {
          page.next = r.text(i - 1, 13);
          break;
        }
        page.batches.push_back(ReadBatch(r, i));
      }
      return page;
    });
  }

  Result<Batch> Close(const std::string& id) override {
    return RunPg(*s_->pool, "close batch", [&](PgConn& c) -> Result<Batch> {
      PgTransaction txn(c);
      if (!SelectBatch(c, id, true)) return Status::Error(ErrorCode::kNotFound, "no batch " + id);
      const bool events = RefreshBatch(c, s_->hooks, id, /*close=*/true);
      auto b = SelectBatch(c, id, false);
      txn.Commit();
      EventsCommitted(s_->hooks, events);
      return std::move(*b);
    });
  }

  Result<std::vector<std::string>> CloseCreatedBefore(const std::string& iso_time,
                                                      int limit) override {
    return RunPg(*s_->pool, "close expired batches",
                 [&](PgConn& c) -> Result<std::vector<std::string>> {
                   PgTransaction txn(c);
                   // SKIP LOCKED: nodes sweeping together close different batches.
                   PgResult r = c.Exec(
                       "SELECT id FROM batches WHERE status = 'OPEN' AND created_at < $1 "
                       "ORDER BY seq LIMIT $2 FOR UPDATE SKIP LOCKED",
                       {iso_time, std::to_string(std::max(1, limit))});
                   std::vector<std::string> ids;
                   for (int i = 0; i < r.rows(); ++i) ids.push_back(r.text(i, 0));
                   bool events = false;
                   for (const std::string& id : ids) {
                     events = RefreshBatch(c, s_->hooks, id, /*close=*/true) || events;
                   }
                   txn.Commit();
                   EventsCommitted(s_->hooks, events);
                   return ids;
                 });
  }

  Result<std::vector<std::string>> JobIds(const std::string& id, int limit) override {
    return RunPg(*s_->pool, "list batch jobs", [&](PgConn& c) -> Result<std::vector<std::string>> {
      PgResult r = c.Exec("SELECT id FROM jobs WHERE batch_id = $1 ORDER BY seq LIMIT $2",
                          {id, std::to_string(std::max(1, limit))});
      std::vector<std::string> ids;
      for (int i = 0; i < r.rows(); ++i) ids.push_back(r.text(i, 0));
      return ids;
    });
  }

  Status Delete(const std::string& id) override {
    return RunPg(*s_->pool, "delete batch", [&](PgConn& c) -> Status {
      PgTransaction txn(c);
      // Locked first: no job joins it while it is checked empty.
      if (!SelectBatch(c, id, true)) return Status::Error(ErrorCode::kNotFound, "no batch " + id);
      PgResult left = c.Exec("SELECT COUNT(*) FROM jobs WHERE batch_id = $1", {id});
      if (left.int64(0, 0) > 0) {
        return Status::Error(ErrorCode::kConflict, "batch " + id + " still has jobs");
      }
      c.Exec("DELETE FROM batches WHERE id = $1", {id});
      c.Exec("SELECT pg_notify($1, $2)", {std::string(kPgChangeChannel), id});
      txn.Commit();
      return Status::Ok();
    });
  }

 private:
  std::shared_ptr<PgShared> s_;
};

class PgGrantStore : public GrantStore {
 public:
  explicit PgGrantStore(std::shared_ptr<PgShared> shared) : s_(std::move(shared)) {}

  Status Create(const std::vector<UploadGrant>& grants) override {
    return RunPg(*s_->pool, "create upload grants", [&](PgConn& c) -> Status {
      PgTransaction txn(c);
      std::string checked_batch;
      for (const UploadGrant& g : grants) {
        if (!g.batch_id.empty() && g.batch_id != checked_batch) {
          EDGEPIX_RETURN_IF_ERROR(CheckBatchOpen(c, g.batch_id));
          checked_batch = g.batch_id;
        }
        c.Exec(
            "INSERT INTO upload_grants (id, batch_id, max_bytes, expires_at) "
            "VALUES ($1, $2, $3, $4)",
            {g.id, g.batch_id, std::to_string(g.max_bytes), std::to_string(g.expires_at)});
      }
      txn.Commit();
      return Status::Ok();
    });
  }

  Status Import(const UploadGrant& g) override {
    return RunPg(*s_->pool, "import upload grant", [&](PgConn& c) -> Status {
      PgResult r = c.Exec(
          "INSERT INTO upload_grants (id, batch_id, max_bytes, expires_at, used_at, job_id) "
          "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING",
          {g.id, g.batch_id, std::to_string(g.max_bytes), std::to_string(g.expires_at), g.used_at,
           g.job_id});
      if (r.affected() != 1) {
        return Status::Error(ErrorCode::kConflict, "upload grant " + g.id + " exists");
      }
      return Status::Ok();
    });
  }

  Result<UploadGrant> Get(const std::string& id) override {
    return RunPg(*s_->pool, "get upload grant", [&](PgConn& c) -> Result<UploadGrant> {
      auto g = SelectGrant(c, id);
      if (!g) return Status::Error(ErrorCode::kNotFound, "no upload grant " + id);
      return std::move(*g);
    });
  }

  Status Release(const std::string& id, const std::string& job_id) override {
    return RunPg(*s_->pool, "release upload grant", [&](PgConn& c) -> Status {
      c.Exec("UPDATE upload_grants SET used_at = '', job_id = '' WHERE id = $1 AND job_id = $2",
             {id, job_id});
      return Status::Ok();
    });
  }

  Result<int64_t> DeleteExpiredBefore(int64_t unix_seconds) override {
    return RunPg(*s_->pool, "delete expired grants", [&](PgConn& c) -> Result<int64_t> {
      PgResult r =
          c.Exec("DELETE FROM upload_grants WHERE expires_at < $1", {std::to_string(unix_seconds)});
      return r.affected();
    });
  }

 private:
  std::shared_ptr<PgShared> s_;
};

}  // namespace

std::unique_ptr<BatchStore> MakePgBatchStore(std::shared_ptr<PgShared> shared) {
  return std::make_unique<PgBatchStore>(std::move(shared));
}

std::unique_ptr<GrantStore> MakePgGrantStore(std::shared_ptr<PgShared> shared) {
  return std::make_unique<PgGrantStore>(std::move(shared));
}

}  // namespace edgepix
