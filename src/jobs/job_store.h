// JobStore: the durable record of jobs.
//
// Every mutating call is one transaction; when it returns OK the change is
// committed. Each state change bumps `version` by one and sets `updated_at`.
// The SQLite implementation (WAL, one writer connection, readers that never
// block the writer) is the embedded default; a PostgreSQL one (SKIP LOCKED) can
// replace it behind the same interface. Thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "jobs/job.h"

namespace edgepix {

struct JobListQuery {
  std::optional<JobStatus> status;
  int limit = 50;      // 1..200
  std::string cursor;  // opaque, from JobListPage::next; empty = first page
};

struct JobListPage {
  std::vector<Job> jobs;  // newest first
  std::string next;       // empty when there is no further page
};

class JobStore {
 public:
  virtual ~JobStore() = default;

  // Inserts a new PENDING job (version 1). kConflict if the id exists.
  virtual Status Insert(const Job& job) = 0;
  // kNotFound if unknown.
  virtual Result<Job> Get(const std::string& id) = 0;
  // kBadRequest for a malformed cursor.
  virtual Result<JobListPage> List(const JobListQuery& query) = 0;

  // Oldest PENDING job becomes PROCESSING (attempts+1). nullopt when none.
  virtual Result<std::optional<Job>> ClaimNext() = 0;
  // PROCESSING -> COMPLETED with the facts found. kNotFound if deleted meanwhile.
  virtual Result<Job> MarkCompleted(const std::string& id, const OriginalRecord& original,
                                    const nlohmann::json& metadata,
                                    const std::vector<VariantRecord>& variants) = 0;
  // -> FAILED with the reason.
  virtual Result<Job> MarkFailed(const std::string& id, const JobError& error) = 0;
  // PROCESSING -> PENDING (a retry after a transient failure).
  virtual Result<Job> MarkPending(const std::string& id) = 0;
  // At start: every PROCESSING job back to PENDING. Returns their ids.
  virtual Result<std::vector<std::string>> RequeueProcessing() = 0;

  // Removes the job row. kNotFound if unknown.
  virtual Status Delete(const std::string& id) = 0;
  virtual Result<int64_t> CountByStatus(JobStatus status) = 0;
  // Ids of up to `limit` jobs created before `iso_time` (NowIso8601 format),
  // oldest first (for retention).
  virtual Result<std::vector<std::string>> ListIdsCreatedBefore(const std::string& iso_time,
                                                                int limit) = 0;
  // A COMPLETED job whose original has this sha256, if any (for dedup).
  virtual Result<std::optional<Job>> FindCompletedBySha256(const std::string& sha256) = 0;
  // Readiness: OK when the store would accept a write right now (nothing is
  // written); otherwise kUnavailable naming what failed. May wait a couple of
  // seconds for a lock held elsewhere.
  virtual Status CheckWritable() = 0;
};

// Opens (creating if needed) the SQLite database at `path` in WAL mode.
Result<std::unique_ptr<JobStore>> OpenSqliteJobStore(const std::string& path);

}  // namespace edgepix
