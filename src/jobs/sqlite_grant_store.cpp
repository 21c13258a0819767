// The SQLite GrantStore: upload grant rows beside the jobs; a grant is used up
// by JobStore::InsertWithGrant in the transaction inserting its job.
#include "jobs/grant_store.h"
#include "jobs/sqlite_batch_rows.h"
#include "jobs/sqlite_shared.h"

namespace edgepix {
namespace {

class SqliteGrantStore : public GrantStore {
 public:
  explicit SqliteGrantStore(std::shared_ptr<SqliteShared> shared) : s_(std::move(shared)) {}

  Status Create(const std::vector<UploadGrant>& grants) override {
    return Guarded("create upload grants", [&]() -> Status {
      SqliteWriteLock lock(*s_);
      SQLite::Transaction txn(s_->writer, SQLite::TransactionBehavior::IMMEDIATE);
      std::string checked_batch;
      for (const UploadGrant& g : grants) {
        if (!g.batch_id.empty() && g.batch_id != checked_batch) {
          EDGEPIX_RETURN_IF_ERROR(CheckBatchOpen(s_->writer, g.batch_id));
          checked_batch = g.batch_id;
        }
        SQLite::Statement st(s_->writer,
                             "INSERT INTO upload_grants (id, batch_id, max_bytes, expires_at) "
                             "VALUES (?1, ?2, ?3, ?4)");
        st.bind(1, g.id);
        st.bind(2, g.batch_id);
        st.bind(3, static_cast<int64_t>(g.max_bytes));
        st.bind(4, g.expires_at);
        st.exec();
      }
      txn.commit();
      lock.Committed();
      return Status::Ok();
    });
  }

  Result<UploadGrant> Get(const std::string& id) override {
    return Guarded("get upload grant", [&]() -> Result<UploadGrant> {
      auto lease = s_->readers->Acquire();
      auto g = SelectGrantById(lease.db(), id);
      if (!g) return Status::Error(ErrorCode::kNotFound, "no upload grant " + id);
      return std::move(*g);
    });
  }

  Status Release(const std::string& id, const std::string& job_id) override {
    return Guarded("release upload grant", [&]() -> Status {
      SqliteWriteLock lock(*s_);
      SQLite::Statement st(s_->writer,
                           "UPDATE upload_grants SET used_at = '', job_id = '' "
                           "WHERE id = ?1 AND job_id = ?2");
      st.bind(1, id);
      st.bind(2, job_id);
      st.exec();
      return Status::Ok();
    });
  }

  Result<int64_t> DeleteExpiredBefore(int64_t unix_seconds) override {
    return Guarded("delete expired grants", [&]() -> Result<int64_t> {
      SqliteWriteLock lock(*s_);
      SQLite::Statement st(s_->writer, "DELETE FROM upload_grants WHERE expires_at < ?");
      st.bind(1, unix_seconds);
      return static_cast<int64_t>(st.exec());
    });
  }

 private:
  std::shared_ptr<SqliteShared> s_;
};

}  // namespace

std::unique_ptr<GrantStore> MakeSqliteGrantStore(std::shared_ptr<SqliteShared> shared) {
  return std::make_unique<SqliteGrantStore>(std::move(shared));
}

}  // namespace edgepix
