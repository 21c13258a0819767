// BatchStore: the durable record of batches (see jobs/batch.h).
//
// Lives in the job database beside the jobs: a job joins a batch at
// JobStore::Insert (refused with kNotFound for an unknown batch, kBatchClosed
// for a closed one, checked inside the insert's transaction), and every job
// change (insert, claim, completion, failure, requeue, delete) recomputes its
// batch's counts and status in the same transaction, so after any crash the
// counts equal what the jobs say. Every mutating call is one transaction.
// Thread-safe. Terminal transitions and change notifications are reported
// through SqliteStoreHooks (jobs/sqlite_stores.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "jobs/batch.h"

namespace edgepix {

struct NewBatch {
  nlohmann::json metadata;   // an object or null; the caller checks its size
  std::string callback_url;  // may be empty
};

struct BatchListQuery {
  std::optional<BatchStatus> status;
  int limit = 50;      // 1..200
  std::string cursor;  // opaque, from BatchListPage::next; empty = first page
};

struct BatchListPage {
  std::vector<Batch> batches;  // newest first
  std::string next;            // empty when there is no further page
};

class BatchStore {
 public:
  virtual ~BatchStore() = default;

  // A new OPEN batch with a fresh id, version 1.
  virtual Result<Batch> Create(const NewBatch& batch) = 0;
  // kNotFound if unknown.
  virtual Result<Batch> Get(const std::string& id) = 0;
  // kBadRequest for a malformed cursor.
  virtual Result<BatchListPage> List(const BatchListQuery& query) = 0;
  // Closes an OPEN batch (-> PROCESSING, or terminal at once when no job is
  // left to run); a closed one is returned unchanged. kNotFound if unknown.
  virtual Result<Batch> Close(const std::string& id) = 0;
  // Closes up to `limit` OPEN batches created before `iso_time`, oldest first
  // (--batch-ttl); returns their ids.
  virtual Result<std::vector<std::string>> CloseCreatedBefore(const std::string& iso_time,
                                                              int limit) = 0;
  // Ids of up to `limit` jobs of the batch, oldest first.
  virtual Result<std::vector<std::string>> JobIds(const std::string& id, int limit) = 0;
  // Removes the batch row. kNotFound if unknown; kConflict while it still has
  // jobs (close it and delete them first, so none joins meanwhile).
  virtual Status Delete(const std::string& id) = 0;
  // Migration (`edgepix migrate`): writes `batch` as it is (status, version,
  // counts, times), a copy of another store's batch whose jobs are imported
  // as they are too (JobStore::Import), so nothing is recounted. kConflict
  // when the id exists (nothing written). Stores that cannot import answer
  // kUnavailable.
  virtual Status Import(const Batch& batch) {
    (void)batch;
    return Status::Error(ErrorCode::kUnavailable, "this batch store cannot import batches");
  }
};

}  // namespace edgepix
