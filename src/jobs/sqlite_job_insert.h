// SqliteJobInserter: how the SQLite JobStore adds a new job (internal to
// src/jobs/sqlite_*). Inserts that arrive together share one IMMEDIATE
// transaction and its synchronous=FULL commit (group commit,
// common/group_commit.h), each in a savepoint of its own, so an upload waiting
// for the write lock does not add a WAL fsync of its own. An insert that fails
// (conflict, closed batch, used grant) fails alone; none is reported OK
// unless the commit that holds it succeeded.
//
// Thread-safe: Insert may be called from any number of threads at once; each
// call returns once its own row is committed or refused. The SqliteShared
// must outlive the inserter.
#pragma once

#include <memory>
#include <string>

#include "common/group_commit.h"
#include "common/status.h"
#include "jobs/job.h"
#include "jobs/sqlite_shared.h"

namespace edgepix {

class SqliteJobInserter {
 public:
  explicit SqliteJobInserter(std::shared_ptr<SqliteShared> shared) : s_(std::move(shared)) {}

  // Inserts `job` as PENDING, version 1 (created_at and updated_at default
  // to now), at the end of the queue. With a grant_id, marks that upload
  // grant used by this job in the same transaction (kGrantInvalid when it was
  // used first by another). kConflict when the id exists; a closed batch is
  // refused as CheckBatchOpen says.
  [[nodiscard]] Status Insert(const Job& job, const std::string& grant_id);

 private:
  struct Request {
    Job row;
    std::string grant_id;
  };
  using Group = GroupCommit<Request>;

  void InsertBatch(SqliteWriteLock& lock, Group::Batch& batch);
  Status InsertOne(const Request& request);
  Status UseGrant(const std::string& grant_id, const std::string& job_id);

  std::shared_ptr<SqliteShared> s_;
  Group group_;
};

}  // namespace edgepix
