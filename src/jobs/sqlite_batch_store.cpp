// The SQLite BatchStore: batch rows beside the jobs, written on the shared
// writer so a job's change and its batch's counts are one transaction.
#include <algorithm>
#include <charconv>
#include <limits>

#include "jobs/batch_store.h"
#include "jobs/intake.h"
#include "jobs/list_cursor.h"
#include "jobs/sqlite_batch_rows.h"
#include "jobs/sqlite_shared.h"

namespace edgepix {
namespace {

class SqliteBatchStore : public BatchStore {
 public:
  explicit SqliteBatchStore(std::shared_ptr<SqliteShared> shared) : s_(std::move(shared)) {}

  Result<Batch> Create(const NewBatch& request) override {
    return Guarded("create batch", [&]() -> Result<Batch> {
      Batch b;
      b.id = NewJobId();
      b.metadata = request.metadata.is_object() ? request.metadata : nlohmann::json(nullptr);
      b.callback_url = request.callback_url;
      b.created_at = b.updated_at = NowIso8601();
      SqliteWriteLock lock(*s_);
      SQLite::Transaction txn(s_->writer, SQLite::TransactionBehavior::IMMEDIATE);
      InsertBatchRow(s_->writer, b, NextCounter(s_->writer, "batch_seq"));
      txn.commit();
      lock.Committed();
      return b;
    });
  }

  Result<Batch> Get(const std::string& id) override {
    return Guarded("get batch", [&]() -> Result<Batch> {
      auto lease = s_->readers->Acquire();
      auto b = SelectBatchById(lease.db(), id);
      if (!b) return Status::Error(ErrorCode::kNotFound, "no batch " + id);
      return std::move(*b);
    });
  }

  Result<BatchListPage> List(const BatchListQuery& query) override {
    EDGEPIX_ASSIGN_OR_RETURN(auto before, ParseListCursor(query.cursor));
    const int limit = std::clamp(query.limit, 1, kMaxListLimit);
    return Guarded("list batches", [&]() -> Result<BatchListPage> {
      auto lease = s_->readers->Acquire();
      std::string sql =
          std::string("SELECT ") + kBatchColumns + ", seq FROM batches WHERE seq < ?1";
      if (query.status) sql += " AND status = ?3";
      sql += " ORDER BY seq DESC LIMIT ?2";
      SQLite::Statement st(lease.db(), sql);
      st.bind(1, before);
      st.bind(2, limit + 1);  // one more tells whether a next page exists
      if (query.status) st.bind(3, BatchStatusName(*query.status));
      BatchListPage page;
      int64_t last_seq = 0;
      while (st.executeStep()) {
        if (static_cast<int>(page.batches.size()) == limit) {
          page.next = std::to_string(last_seq);
          break;
        }
        page.batches.push_back(ReadBatchRow(st));
        last_seq = st.getColumn(13).getInt64();
      }
      return page;
    });
  }

  Result<Batch> Close(const std::string& id) override {
    return Guarded("close batch", [&]() -> Result<Batch> {
      SqliteWriteLock lock(*s_);
      SQLite::Transaction txn(s_->writer, SQLite::TransactionBehavior::IMMEDIATE);
      if (!SelectBatchById(s_->writer, id)) {
        return Status::Error(ErrorCode::kNotFound, "no batch " + id);
      }
      RefreshBatch(*s_, id, /*close=*/true);
      auto b = SelectBatchById(s_->writer, id);
      txn.commit();
      lock.Committed();
      return std::move(*b);
    });
  }

  Result<std::vector<std::string>> CloseCreatedBefore(const std::string& iso_time,
                                                      int limit) override {
    return Guarded("close expired batches", [&]() -> Result<std::vector<std::string>> {
      SqliteWriteLock lock(*s_);
      SQLite::Transaction txn(s_->writer, SQLite::TransactionBehavior::IMMEDIATE);
      std::vector<std::string> ids;
      {
        SQLite::Statement st(s_->writer,
                             "SELECT id FROM batches WHERE status = 'OPEN' AND created_at < ? "
                             "ORDER BY seq LIMIT ?");
        st.bind(1, iso_time);
        st.bind(2, std::max(1, limit));
        while (st.executeStep()) ids.push_back(st.getColumn(0).getString());
      }
      for (const std::string& id : ids) RefreshBatch(*s_, id, /*close=*/true);
      txn.commit();
      lock.Committed();
      return ids;
    });
  }

  Result<std::vector<std::string>> JobIds(const std::string& id, int limit) override {
    return Guarded("list batch jobs", [&]() -> Result<std::vector<std::string>> {
      auto lease = s_->readers->Acquire();
      SQLite::Statement st(lease.db(),
                           "SELECT id FROM jobs WHERE batch_id = ? ORDER BY seq LIMIT ?");
      st.bind(1, id);
      st.bind(2, std::max(1, limit));
      std::vector<std::string> ids;
      while (st.executeStep()) ids.push_back(st.getColumn(0).getString());
      return ids;
    });
  }

  Status Delete(const std::string& id) override {
    return Guarded("delete batch", [&]() -> Status {
      SqliteWriteLock lock(*s_);
      SQLite::Transaction txn(s_->writer, SQLite::TransactionBehavior::IMMEDIATE);
      SQLite::Statement left(s_->writer, "SELECT COUNT(*) FROM jobs WHERE batch_id = ?");
      left.bind(1, id);
      left.executeStep();
      if (left.getColumn(0).getInt64() > 0) {
        return Status::Error(ErrorCode::kConflict, "batch " + id + " still has jobs");
      }
      left.reset();
      SQLite::Statement st(s_->writer, "DELETE FROM batches WHERE id = ?");
      st.bind(1, id);
      if (st.exec() == 0) return Status::Error(ErrorCode::kNotFound, "no batch " + id);
      s_->changed_batches.push_back(id);
      txn.commit();
      lock.Committed();
      return Status::Ok();
    });
  }

 private:
  std::shared_ptr<SqliteShared> s_;
};

}  // namespace

std::unique_ptr<BatchStore> MakeSqliteBatchStore(std::shared_ptr<SqliteShared> shared) {
  return std::make_unique<SqliteBatchStore>(std::move(shared));
}

}  // namespace edgepix
