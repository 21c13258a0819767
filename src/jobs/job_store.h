// JobStore: the durable record of jobs.
//
// Every mutating call is one transaction; when it returns OK the change is
// committed. Each state change bumps `version` by one and sets `updated_at`.
// The SQLite implementation (WAL, one writer connection, readers that never
// block the writer) is the embedded default; a PostgreSQL one (SKIP LOCKED) can
// replace it behind the same interface. Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "jobs/job.h"
#include "jobs/job_event.h"

namespace edgepix {

struct JobListQuery {
  std::optional<JobStatus> status;
  int limit = 50;                        // 1..200
  std::string cursor;                    // opaque, from JobListPage::next; empty = first page
  std::string batch_id;                  // only the jobs of this batch; empty = every job
  std::optional<Moderation> moderation;  // only jobs in this moderation state
};

struct JobListPage {
  std::vector<Job> jobs;  // newest first
  std::string next;       // empty when there is no further page
};

// What RequeueInterrupted did with the jobs a crash left PROCESSING.
struct InterruptedJobs {
  std::vector<std::string> requeued;  // back to PENDING, at the back of the queue
  std::vector<std::string> poisoned;  // FAILED "poison"
};

class JobStore {
 public:
  virtual ~JobStore() = default;

  // Inserts a new PENDING job (version 1). kConflict if the id exists. A job
  // naming a batch joins it in the same transaction: kNotFound if the batch is
  // unknown, kBatchClosed if it is closed (see jobs/batch_store.h).
  virtual Status Insert(const Job& job) = 0;
  // Insert, and in the same transaction uses up upload grant `grant_id`
  // (jobs/grant_store.h): kGrantInvalid ("used: ...") when another upload
  // used it first, and then nothing is inserted. Stores without grants
  // answer kInternal.
  virtual Status InsertWithGrant(const Job& job, const std::string& grant_id) {
    (void)job;
    (void)grant_id;
    return Status::Error(ErrorCode::kInternal, "this job store does not support upload grants");
  }
  // kNotFound if unknown.
  virtual Result<Job> Get(const std::string& id) = 0;
  // The event log: up to `limit` events with seq > `after`, oldest first; and
  // the newest seq (0 while the log is empty). Stores without a log answer
  // kUnavailable.
  virtual Result<std::vector<JobEvent>> EventsAfter(int64_t after, int limit) {
    (void)after;
    (void)limit;
    return Status::Error(ErrorCode::kUnavailable, "this job store keeps no event log");
  }
  virtual Result<int64_t> LastEventSeq() {
    return Status::Error(ErrorCode::kUnavailable, "this job store keeps no event log");
  }
  // kBadRequest for a malformed cursor.
  virtual Result<JobListPage> List(const JobListQuery& query) = 0;

  // Oldest PENDING job becomes PROCESSING (attempts+1). nullopt when none.
  // A suspect job runs alone: it is not claimed while another job is
  // PROCESSING, and nothing is claimed while it is.
  virtual Result<std::optional<Job>> ClaimNext() = 0;
  // Publishes one variant of a PROCESSING job: in one transaction, serialised
  // with Delete, checks the job still exists, calls `publish` (which makes the
  // variant's file visible) and lists the variant in the job (replacing one of
  // the same name), bumping version. kNotFound (publish not called) when the
  // job was deleted, so no variant of a deleted image is ever made visible
  // after Delete returned; publish's error when it fails (nothing recorded).
  virtual Result<Job> PublishVariant(const std::string& id, const VariantRecord& variant,
                                     const std::function<Status()>& publish) = 0;
  // PROCESSING -> COMPLETED with the facts found, the variant settings
  // (spec_key) they were made with, what the decode tolerated (warnings) and
  // the placeholder's ThumbHash bytes. kNotFound if deleted meanwhile.
  virtual Result<Job> MarkCompleted(const std::string& id, const OriginalRecord& original,
                                    const image::ImageMetadata& metadata,
                                    const std::vector<VariantRecord>& variants,
                                    const std::string& spec_key,
                                    const std::vector<std::string>& warnings,
                                    const std::string& thumbhash) = 0;
  // -> FAILED with the reason; its variant list is emptied. A store with
  // leases (PostgreSQL) accepts it only for a PROCESSING job whose lease this
  // node holds (kConflict otherwise): a worker that stalled past its lease
  // must not fail a job another node reclaimed.
  virtual Result<Job> MarkFailed(const std::string& id, const JobError& error) = 0;
  // PROCESSING -> PENDING (a retry after a transient failure); variants emptied.
  virtual Result<Job> MarkPending(const std::string& id) = 0;
  // Whether this node may still change the PROCESSING job `id` it claimed:
  // OK, or kConflict when its lease was lost (another node reclaimed it, or
  // it is no longer PROCESSING), kNotFound when deleted. A worker asks before
  // it removes the files of a failed attempt, which by then may be another
  // node's. Stores without leases answer OK for a PROCESSING job.
  virtual Status CheckClaim(const std::string& id) {
    auto job = Get(id);
    if (!job.ok()) return job.status();
    if (job->status != JobStatus::kProcessing) {
      return Status::Error(ErrorCode::kConflict,
                           "job " + id + " is " + JobStatusName(job->status) + ", not PROCESSING");
    }
    return Status::Ok();
  }
  // At start, for the jobs a crash left PROCESSING, in one transaction. The
  // crash counts against a job (its attempt stays counted) only when it was
  // the only job PROCESSING, i.e. the likely cause; then, at `max_attempts`
  // counted attempts, it ends FAILED "poison". A job interrupted alongside
  // others gets its attempt back and becomes a suspect (runs alone from now
  // on, so a crash it causes is counted next time). Every requeued job moves
  // to the back of the queue, so the next crash does not hit the same jobs.
  virtual Result<InterruptedJobs> RequeueInterrupted(int max_attempts) = 0;

  // The owner's decision (jobs/moderation.h): sets the job's moderation
  // state; when it changes, bumps version and appends an `approved` or
  // `hidden` event (kPending is not a decision: kBadRequest). Unchanged:
  // the job as it is, no event. kNotFound if unknown. Stores without
  // moderation answer kUnavailable.
  virtual Result<Job> SetModeration(const std::string& id, Moderation moderation) {
    (void)id;
    (void)moderation;
    return Status::Error(ErrorCode::kUnavailable, "this job store keeps no moderation state");
  }
  // Removes the job row. kNotFound if unknown. Serialised with PublishVariant.
  virtual Status Delete(const std::string& id) = 0;
  virtual Result<int64_t> CountByStatus(JobStatus status) = 0;
  // Ids of up to `limit` jobs created before `iso_time` (NowIso8601 format),
  // oldest first (for retention).
  virtual Result<std::vector<std::string>> ListIdsCreatedBefore(const std::string& iso_time,
                                                                int limit) = 0;
  // A COMPLETED job whose original has this sha256 and whose variants were
  // made with `spec_key`, if any (for dedup).
  virtual Result<std::optional<Job>> FindCompletedBySha256(const std::string& sha256,
                                                           const std::string& spec_key) = 0;
  // Migration (`edgepix migrate`): writes `job` as it is, a copy of a job of
  // another store: status, version, timestamps, attempts, variants, batch id
  // and the rest unchanged, so a client sees the same job. No event is
  // appended (ImportEvent copies the log) and no batch is looked up or
  // recounted. It joins the back of the queue (import oldest first to keep
  // the order). kBadRequest for a PROCESSING job (nobody holds its lease:
  // settle it first); kConflict when the id exists (nothing written; the
  // caller compares). Stores that cannot import answer kUnavailable.
  virtual Status Import(const Job& job) {
    (void)job;
    return Status::Error(ErrorCode::kUnavailable, "this job store cannot import jobs");
  }
  // Copies one event of another store's log under its own seq; seqs given
  // out later continue above the highest imported. Rerunnable: an event
  // already there with the same kind, job and time is OK; a different event
  // under that seq is kConflict. kUnavailable as for Import.
  virtual Status ImportEvent(const JobEvent& event) {
    (void)event;
    return Status::Error(ErrorCode::kUnavailable, "this job store cannot import events");
  }
  // Readiness: OK when the store would accept a write right now (nothing is
  // written); otherwise kUnavailable naming what failed. May wait a couple of
  // seconds for a lock held elsewhere.
  virtual Status CheckWritable() = 0;
};

// Opens (creating if needed) the SQLite database at `path` in WAL mode; the
// job store alone (jobs/sqlite_stores.h opens the batch and grant stores too).
Result<std::unique_ptr<JobStore>> OpenSqliteJobStore(const std::string& path);

}  // namespace edgepix
