// The SQLite JobStore: every mutation one IMMEDIATE transaction on the writer
// shared with the batch and grant stores (jobs/sqlite_shared.h), which also
// recomputes the counts of the job's batch; reads on the shared reader pool.
// Claims and variant publishes commit without waiting for the disk
// (SqliteRelaxedCommit); everything else, uploads and terminal states first,
// commits with synchronous=FULL.
// Inserts are group-committed by jobs/sqlite_job_insert.h.
// A change that makes a job COMPLETED or FAILED runs hooks.on_job_terminal
// inside its transaction (jobs/sqlite_stores.h), before the batch recount.
#include <algorithm>
#include <memory>
#include <optional>

#include "jobs/job_store.h"
#include "jobs/job_transitions.h"
#include "jobs/list_cursor.h"
#include "jobs/sqlite_batch_rows.h"
#include "jobs/sqlite_event_rows.h"
#include "jobs/sqlite_job_insert.h"
#include "jobs/sqlite_job_row.h"
#include "jobs/sqlite_readiness.h"
#include "jobs/sqlite_shared.h"

namespace edgepix {
namespace {

// How long a readiness probe waits for a write lock held elsewhere.
constexpr int kReadinessLockWaitMs = 2000;

Status TransitionError(const Job& job, JobStatus to) {
  return Status::Error(ErrorCode::kConflict, "job " + job.id + " is " + JobStatusName(job.status) +
                                                 ", cannot become " + JobStatusName(to));
}

class SqliteJobStore : public JobStore {
 public:
  explicit SqliteJobStore(std::shared_ptr<SqliteShared> shared) : s_(std::move(shared)) {}

  Status Insert(const Job& job) override { return InsertWithGrant(job, ""); }

  Status InsertWithGrant(const Job& job, const std::string& grant_id) override {
    return inserter_.Insert(job, grant_id);
  }

  Result<Job> Get(const std::string& id) override {
    return Guarded("get job", [&]() -> Result<Job> {
      auto lease = s_->readers->Acquire();
      auto job = SelectJobById(lease.db(), id);
      if (!job) return Status::Error(ErrorCode::kNotFound, "no job " + id);
      return std::move(*job);
    });
  }

  Result<JobListPage> List(const JobListQuery& query) override {
    EDGEPIX_ASSIGN_OR_RETURN(auto before, ParseListCursor(query.cursor));
    const int limit = std::clamp(query.limit, 1, kMaxListLimit);
    return Guarded("list jobs", [&]() -> Result<JobListPage> {
      auto lease = s_->readers->Acquire();
      std::string sql = std::string("SELECT ") + kJobColumns + ", seq FROM jobs WHERE seq < ?1";
      if (query.status) sql += " AND status = ?3";
      if (!query.batch_id.empty()) sql += " AND batch_id = ?4";
      if (query.moderation) sql += " AND moderation = ?5";
      sql += " ORDER BY seq DESC LIMIT ?2";
      SQLite::Statement st(lease.db(), sql);
      st.bind(1, before);
      st.bind(2, limit + 1);  // one more tells whether a next page exists
      if (query.status) st.bind(3, JobStatusName(*query.status));
      if (!query.batch_id.empty()) st.bind(4, query.batch_id);
      if (query.moderation) st.bind(5, ModerationName(*query.moderation));
      JobListPage page;
      int64_t last_seq = 0;
      while (st.executeStep()) {
        if (static_cast<int>(page.jobs.size()) == limit) {
          page.next = std::to_string(last_seq);
          break;
        }
        page.jobs.push_back(ReadJobRow(st));
        last_seq = st.getColumn(kJobColumnCount).getInt64();
      }
      return page;
    });
  }

  Result<std::optional<Job>> ClaimNext() override {
    return Guarded("claim job", [&]() -> Result<std::optional<Job>> {
      SqliteWriteLock lock(*s_);
      SqliteRelaxedCommit relaxed(s_->writer);  // a lost claim runs the job again
      SQLite::Transaction txn(s_->writer, SQLite::TransactionBehavior::IMMEDIATE);
      int64_t running = 0;
      bool suspect_running = false;
      {
        SQLite::Statement st(s_->writer,
                             "SELECT COUNT(*), COALESCE(MAX(suspect), 0) FROM jobs "
                             "WHERE status = 'PROCESSING'");
        st.executeStep();
        running = st.getColumn(0).getInt64();
        suspect_running = st.getColumn(1).getInt() != 0;
      }
      // A suspect runs alone (see RequeueInterrupted).
      if (suspect_running) return std::optional<Job>();
      SQLite::Statement st(
          s_->writer, std::string("SELECT ") + kJobColumns + " FROM jobs WHERE status = 'PENDING'" +
                          (running > 0 ? " AND suspect = 0" : "") + " ORDER BY seq LIMIT 1");
      if (!st.executeStep()) return std::optional<Job>();
      Job job = ReadJobRow(st);
      st.reset();
      job.status = JobStatus::kProcessing;
      job.attempts += 1;
      Touch(&job);
      WriteJobRow(s_->writer, job);
      RefreshBatch(*s_, job.batch_id);
      txn.commit();
      lock.Committed();
      return std::optional<Job>(std::move(job));
    });
  }

  Result<Job> PublishVariant(const std::string& id, const VariantRecord& variant,
                             const std::function<Status()>& publish) override {
    return Guarded("publish variant", [&]() -> Result<Job> {
      SqliteWriteLock lock(*s_);
      SqliteRelaxedCommit relaxed(s_->writer);  // durable with COMPLETED's commit
      SQLite::Transaction txn(s_->writer, SQLite::TransactionBehavior::IMMEDIATE);
      auto job = SelectJobById(s_->writer, id);
      if (!job) return Status::Error(ErrorCode::kNotFound, "no job " + id);
      if (job->status != JobStatus::kProcessing) {
        return Status::Error(
            ErrorCode::kConflict,
            "job " + id + " is " + JobStatusName(job->status) + ", not PROCESSING");
      }
      EDGEPIX_RETURN_IF_ERROR(publish());
      auto same = std::find_if(job->variants.begin(), job->variants.end(),
                               [&](const VariantRecord& v) { return v.name == variant.name; });
      if (same != job->variants.end()) {
        *same = variant;
      } else {
        job->variants.push_back(variant);
      }
      Touch(&*job);
      WriteJobRow(s_->writer, *job);
      txn.commit();
      lock.Committed();
      return std::move(*job);
    });
  }

  Result<Job> MarkCompleted(const std::string& id, const OriginalRecord& original,
                            const image::ImageMetadata& metadata,
                            const std::vector<VariantRecord>& variants, const std::string& spec_key,
                            const std::vector<std::string>& warnings,
                            const std::string& thumbhash) override {
    return Transition(id, JobStatus::kCompleted, [&](Job* job) {
      SetCompleted(job, original, metadata, variants, spec_key, warnings, thumbhash);
    });
  }

  Result<Job> MarkFailed(const std::string& id, const JobError& error) override {
    return Transition(id, JobStatus::kFailed, [&](Job* job) { SetFailed(job, error); });
  }

  Result<Job> MarkPending(const std::string& id) override {
    return Transition(id, JobStatus::kPending, [](Job* job) { ClearOutputs(job); });
  }

  Result<InterruptedJobs> RequeueInterrupted(int max_attempts) override {
    return Guarded("requeue jobs", [&]() -> Result<InterruptedJobs> {
      SqliteWriteLock lock(*s_);
      SQLite::Transaction txn(s_->writer, SQLite::TransactionBehavior::IMMEDIATE);
      std::vector<Job> stuck;
      {
        SQLite::Statement st(s_->writer, std::string("SELECT ") + kJobColumns +
                                             " FROM jobs WHERE status = 'PROCESSING' ORDER BY seq");
        while (st.executeStep()) stuck.push_back(ReadJobRow(st));
      }
      // Alone, it is the likely cause of the crash; among others, any could be.
      const bool alone = stuck.size() == 1;
      InterruptedJobs out;
      for (Job& job : stuck) {
        if (SettleInterruptedJob(&job, alone, max_attempts)) {
          WriteJobRow(s_->writer, job);
          JobBecameTerminal(*s_, job);
          AppendJobEvent(s_->writer, JobEventKind::kFailed, job.id);
          s_->event_appended = true;
          out.poisoned.push_back(job.id);
          continue;
        }
        WriteJobRow(s_->writer, job);
        SQLite::Statement to_back(s_->writer, "UPDATE jobs SET seq = ?2 WHERE id = ?1");
        to_back.bind(1, job.id);
        to_back.bind(2, NextSeq());
        to_back.exec();
        out.requeued.push_back(job.id);
      }
      for (const Job& job : stuck) RefreshBatch(*s_, job.batch_id);
      txn.commit();
      lock.Committed();
      return out;
    });
  }

  Status Delete(const std::string& id) override {
    return Guarded("delete job", [&]() -> Status {
      SqliteWriteLock lock(*s_);
      SQLite::Transaction txn(s_->writer, SQLite::TransactionBehavior::IMMEDIATE);
      auto job = SelectJobById(s_->writer, id);
      if (!job) return Status::Error(ErrorCode::kNotFound, "no job " + id);
      SQLite::Statement st(s_->writer, "DELETE FROM jobs WHERE id = ?");
      st.bind(1, id);
      st.exec();
      AppendJobEvent(s_->writer, JobEventKind::kDeleted, id);
      s_->event_appended = true;
      RefreshBatch(*s_, job->batch_id);
      txn.commit();
      lock.Committed();
      return Status::Ok();
    });
  }

  Result<Job> SetModeration(const std::string& id, Moderation moderation) override {
    if (moderation == Moderation::kPending) {
      return Status::Error(ErrorCode::kBadRequest, "a job can be approved or hidden");
    }
    return Guarded("moderate job", [&]() -> Result<Job> {
      SqliteWriteLock lock(*s_);
      SQLite::Transaction txn(s_->writer, SQLite::TransactionBehavior::IMMEDIATE);
      auto job = SelectJobById(s_->writer, id);
      if (!job) return Status::Error(ErrorCode::kNotFound, "no job " + id);
      if (job->moderation == moderation) return std::move(*job);
      job->moderation = moderation;
      Touch(&*job);
      WriteJobRow(s_->writer, *job);
      AppendJobEvent(
          s_->writer,
          moderation == Moderation::kApproved ? JobEventKind::kApproved : JobEventKind::kHidden,
          id);
      s_->event_appended = true;
      txn.commit();
      lock.Committed();
      return std::move(*job);
    });
  }

  Result<std::vector<JobEvent>> EventsAfter(int64_t after, int limit) override {
    return Guarded("read job events", [&]() -> Result<std::vector<JobEvent>> {
      auto lease = s_->readers->Acquire();
      return SelectEventsAfter(lease.db(), after, limit);
    });
  }

  Result<int64_t> LastEventSeq() override {
    return Guarded("read job events", [&]() -> Result<int64_t> {
      auto lease = s_->readers->Acquire();
      return SelectLastEventSeq(lease.db());
    });
  }

  Result<int64_t> CountByStatus(JobStatus status) override {
    return Guarded("count jobs", [&]() -> Result<int64_t> {
      auto lease = s_->readers->Acquire();
      SQLite::Statement st(lease.db(), "SELECT COUNT(*) FROM jobs WHERE status = ?");
      st.bind(1, JobStatusName(status));
      st.executeStep();
      return st.getColumn(0).getInt64();
    });
  }

  Result<std::optional<Job>> FindCompletedBySha256(const std::string& sha256,
                                                   const std::string& spec_key) override {
    return Guarded("find job by sha256", [&]() -> Result<std::optional<Job>> {
      auto lease = s_->readers->Acquire();
      SQLite::Statement st(lease.db(), std::string("SELECT ") + kJobColumns +
                                           " FROM jobs WHERE sha256 = ?1 AND spec_key = ?2"
                                           " AND spec_key != '' AND status = 'COMPLETED'"
                                           " ORDER BY seq LIMIT 1");
      st.bind(1, sha256);
      st.bind(2, spec_key);
      if (!st.executeStep()) return std::optional<Job>();
      return std::optional<Job>(ReadJobRow(st));
    });
  }

  Status CheckWritable() override { return CheckSqliteWritable(s_->path, kReadinessLockWaitMs); }

  Result<std::vector<std::string>> ListIdsCreatedBefore(const std::string& iso_time,
                                                        int limit) override {
    return Guarded("list old jobs", [&]() -> Result<std::vector<std::string>> {
      auto lease = s_->readers->Acquire();
      SQLite::Statement st(lease.db(),
                           "SELECT id FROM jobs WHERE created_at < ? ORDER BY seq LIMIT ?");
      st.bind(1, iso_time);
      st.bind(2, std::max(1, limit));
      std::vector<std::string> ids;
      while (st.executeStep()) ids.push_back(st.getColumn(0).getString());
      return ids;
    });
  }

 private:
  // The next insertion seq (queue order and list cursors); call under write_mu
  // inside a transaction.
  int64_t NextSeq() { return NextCounter(s_->writer, "job_seq"); }

  static void Touch(Job* job) {
    job->version += 1;
    job->updated_at = NowIso8601();
  }

  // Loads `id`, checks from -> `to`, applies `change`, bumps version; one transaction.
  template <typename Change>
  Result<Job> Transition(const std::string& id, JobStatus to, Change&& change) {
    return Guarded(std::string("mark job ") + JobStatusName(to), [&]() -> Result<Job> {
      SqliteWriteLock lock(*s_);
      SQLite::Transaction txn(s_->writer, SQLite::TransactionBehavior::IMMEDIATE);
      auto job = SelectJobById(s_->writer, id);
      if (!job) return Status::Error(ErrorCode::kNotFound, "no job " + id);
      if (!IsAllowedTransition(job->status, to)) return TransitionError(*job, to);
      change(&*job);
      job->status = to;
      Touch(&*job);
      WriteJobRow(s_->writer, *job);
      if (IsTerminal(to)) JobBecameTerminal(*s_, *job);
      if (to == JobStatus::kCompleted || to == JobStatus::kFailed) {
        AppendJobEvent(
            s_->writer,
            to == JobStatus::kCompleted ? JobEventKind::kCompleted : JobEventKind::kFailed, id);
        s_->event_appended = true;
      }
      RefreshBatch(*s_, job->batch_id);
      txn.commit();
      lock.Committed();
      return std::move(*job);
    });
  }

  std::shared_ptr<SqliteShared> s_;
  SqliteJobInserter inserter_{s_};
};

}  // namespace

std::unique_ptr<JobStore> MakeSqliteJobStore(std::shared_ptr<SqliteShared> shared) {
  return std::make_unique<SqliteJobStore>(std::move(shared));
}

}  // namespace edgepix
