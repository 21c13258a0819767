// The PostgreSQL JobStore (see pg_job_store.h): every mutation one
// transaction on a pooled connection; the row encodings of jobs/job_row_codec.h.
#include "jobs/pg_job_store.h"

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <limits>
#include <map>
#include <mutex>
#include <thread>

#include "common/log.h"
#include "common/metrics.h"
#include "jobs/job_row_codec.h"
#include "jobs/job_transitions.h"
#include "jobs/list_cursor.h"
#include "jobs/pg_batch_rows.h"
#include "jobs/pg_conn.h"
#include "jobs/pg_schema.h"
#include "jobs/pg_shared.h"

namespace edgepix {
namespace {

// Transaction advisory lock keys (arbitrary constants, edgepix's own).
constexpr const char* kClaimLock = "4542500002";
constexpr const char* kEventLock = "4542500003";
constexpr const char* kReclaimLock = "4542500004";
// leased_by of a job a lease reclaim put back to PENDING, until a node claims
// it again: the node that lost the lease can then neither fail it (PENDING ->
// FAILED is otherwise allowed) nor finish it. Not a node id (parentheses).
constexpr const char* kReclaimedMark = "(reclaimed)";

metrics::Family& LeaseReclaims() {
  static metrics::Family& family = metrics::Registry::Default().Counter(
      "edgepix_lease_reclaims_total",
      "Job leases reclaimed: by this node from a node whose leases expired (requeued, poisoned), "
      "or found lost by this node's worker when it came back (lost)",
      {"outcome"});
  return family;
}

Status LeaseLost(const std::string& id, const std::string& why) {
  LeaseReclaims().Add({"lost"});
  return Status::Error(ErrorCode::kConflict,
                       "job " + id + " " + why + " (this node's lease expired)");
}

Status TransitionError(const Job& job, JobStatus to) {
  return Status::Error(ErrorCode::kConflict, "job " + job.id + " is " + JobStatusName(job.status) +
                                                 ", cannot become " + JobStatusName(to));
}

Job ReadJob(const PgResult& r, int row) {
  Job job;
  job.id = r.text(row, 0);
  auto status = ParseJobStatus(r.text(row, 1));
  if (!status) throw std::runtime_error("job " + job.id + " has an unknown status");
  job.status = *status;
  job.version = r.int64(row, 2);
  job.filename = r.text(row, 3);
  job.created_at = r.text(row, 4);
  job.updated_at = r.text(row, 5);
  job.original.bytes = static_cast<uint64_t>(r.int64(row, 6));
  job.original.format = r.text(row, 7);
  job.original.width = static_cast<int>(r.int64(row, 8));
  job.original.height = static_cast<int>(r.int64(row, 9));
  job.original.sha256 = r.text(row, 10);
  job.metadata = MetadataFromColumn(r.text(row, 11));
  job.variants = VariantsFromJson(r.text(row, 12));
  if (!r.null(row, 13)) job.error = JobError{r.text(row, 13), r.text(row, 14)};
  job.attempts = static_cast<int>(r.int64(row, 15));
  job.spec_key = r.text(row, 16);
  job.suspect = r.boolean(row, 17);
  job.warnings = WarningsFromJson(r.text(row, 18));
  job.batch_id = r.text(row, 19);
  job.uploader = r.text(row, 20);
  job.thumbhash = r.bytes(row, 21);
  auto moderation = ParseModeration(r.text(row, 22));
  if (!moderation) throw std::runtime_error("job " + job.id + " has an unknown moderation state");
  job.moderation = *moderation;
  return job;
}

// $1 = id, then the mutable columns as $2..$21 (same order in INSERT and UPDATE).
PgParams RowParams(const Job& job) {
  return {job.id,
          std::string(JobStatusName(job.status)),
          std::to_string(job.version),
          job.filename,
          job.created_at,
          job.updated_at,
          std::to_string(job.original.bytes),
          job.original.format,
          std::to_string(job.original.width),
          std::to_string(job.original.height),
          job.original.sha256,
          MetadataToColumn(job.metadata),
          VariantsToJson(job.variants),
          job.error ? std::optional<std::string>(job.error->code) : std::nullopt,
          job.error ? std::optional<std::string>(job.error->message) : std::nullopt,
          std::to_string(job.attempts),
          job.spec_key,
          std::string(job.suspect ? "true" : "false"),
          WarningsToJson(job.warnings),
          PgBytea(job.thumbhash),
          std::string(ModerationName(job.moderation))};
}

std::string Seconds(std::chrono::milliseconds d) {
  return std::to_string(d.count() / 1000) + "." + std::to_string(1000 + d.count() % 1000).substr(1);
}

void Touch(Job* job) {
  job->version += 1;
  job->updated_at = NowIso8601();
}

class PgJobStore : public JobStore {
 public:
  explicit PgJobStore(std::shared_ptr<PgShared> shared)
      : s_(std::move(shared)),
        options_(s_->options),
        hooks_(s_->hooks),
        lease_(Seconds(options_.lease)) {
    if (options_.heartbeat) heartbeat_ = std::thread([this] { HeartbeatLoop(); });
  }

  ~PgJobStore() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    if (heartbeat_.joinable()) heartbeat_.join();
  }

  Status Insert(const Job& job) override { return InsertWithGrant(job, ""); }

  Status InsertWithGrant(const Job& job, const std::string& grant_id) override {
    return Run("insert job", [&](PgConn& c) -> Status {
      Job row = job;
      row.status = JobStatus::kPending;
      row.version = 1;
      if (row.created_at.empty()) row.created_at = NowIso8601();
      if (row.updated_at.empty()) row.updated_at = row.created_at;
      PgTransaction txn(c);
      if (!grant_id.empty()) EDGEPIX_RETURN_IF_ERROR(UseGrant(c, grant_id, row.id));
      if (!row.batch_id.empty()) EDGEPIX_RETURN_IF_ERROR(CheckBatchOpen(c, row.batch_id));
      if (!InsertRow(c, row)) {
        return Status::Error(ErrorCode::kConflict, "job " + row.id + " already exists");
      }
      RefreshBatch(c, hooks_, row.batch_id);  // an OPEN batch stays OPEN
      txn.Commit();
      return Status::Ok();
    });
  }

  Status Import(const Job& job) override {
    if (job.status == JobStatus::kProcessing) {
      return Status::Error(ErrorCode::kBadRequest,
                           "job " + job.id + " is PROCESSING: settle it before importing");
    }
    return Run("import job", [&](PgConn& c) -> Status {
      PgTransaction txn(c);
      if (!InsertRow(c, job)) {
        return Status::Error(ErrorCode::kConflict, "job " + job.id + " already exists");
      }
      txn.Commit();
      return Status::Ok();
    });
  }

  Status ImportEvent(const JobEvent& event) override {
    return Run("import job event", [&](PgConn& c) -> Status {
      PgTransaction txn(c);
      c.Exec("SELECT pg_advisory_xact_lock($1)", {kEventLock});
      c.Exec(
          "INSERT INTO job_events (seq, kind, job_id, created_at) VALUES ($1, $2, $3, $4) "
          "ON CONFLICT (seq) DO NOTHING",
          {std::to_string(event.seq), std::string(JobEventKindName(event.kind)), event.job_id,
           event.created_at});
      PgResult r = c.Exec("SELECT kind, job_id, created_at FROM job_events WHERE seq = $1",
                          {std::to_string(event.seq)});
      if (r.rows() != 1 || r.text(0, 0) != JobEventKindName(event.kind) ||
          r.text(0, 1) != event.job_id || r.text(0, 2) != event.created_at) {
        return Status::Error(ErrorCode::kConflict, "job event " + std::to_string(event.seq) +
                                                       " is already taken by another event");
      }
      // Later seqs continue above it (setval only moves forward here).
      c.Exec(
          "SELECT setval('job_events_seq_seq', GREATEST($1::bigint, "
          "(SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM job_events_seq_seq)))",
          {std::to_string(event.seq)});
      txn.Commit();
      return Status::Ok();
    });
  }

  Result<Job> Get(const std::string& id) override {
    return Run("get job", [&](PgConn& c) -> Result<Job> {
      auto job = SelectJob(c, id, false);
      if (!job) return Status::Error(ErrorCode::kNotFound, "no job " + id);
      return std::move(*job);
    });
  }

  Result<JobListPage> List(const JobListQuery& query) override {
    EDGEPIX_ASSIGN_OR_RETURN(auto before, ParseListCursor(query.cursor));
    const int limit = std::clamp(query.limit, 1, kMaxListLimit);
    return Run("list jobs", [&](PgConn& c) -> Result<JobListPage> {
      std::string sql = std::string("SELECT ") + kJobColumns + ", seq FROM jobs WHERE seq < $1";
      PgParams p = {std::to_string(before), std::to_string(limit + 1)};
      if (query.status) {
        p.push_back(std::string(JobStatusName(*query.status)));
        sql += " AND status = $" + std::to_string(p.size());
      }
      if (!query.batch_id.empty()) {
        p.push_back(query.batch_id);
        sql += " AND batch_id = $" + std::to_string(p.size());
      }
      if (query.moderation) {
        p.push_back(std::string(ModerationName(*query.moderation)));
        sql += " AND moderation = $" + std::to_string(p.size());
      }
      sql += " ORDER BY seq DESC LIMIT $2";
      PgResult r = c.Exec(sql, p);
      JobListPage page;
      for (int i = 0; i < r.rows(); ++i) {
        if (i == limit) {
          page.next = r.text(i - 1, kJobColumnCount);
          break;
        }
        page.jobs.push_back(ReadJob(r, i));
      }
      return page;
    });
  }

  Result<std::optional<Job>> ClaimNext() override {
    return Run("claim job", [&](PgConn& c) -> Result<std::optional<Job>> {
      bool suspect_next = false;
      auto claimed = ClaimIn(c, false, &suspect_next);
      if (claimed || !suspect_next) return claimed;
      // The oldest job is a suspect: claim again holding every claim off.
      return ClaimIn(c, true, &suspect_next);
    });
  }

  Result<Job> PublishVariant(const std::string& id, const VariantRecord& variant,
                             const std::function<Status()>& publish) override {
    // Not retried on a lost connection: `publish` has run by then.
    return Run(
        "publish variant",
        [&](PgConn& c) -> Result<Job> {
          PgTransaction txn(c);
          std::string leased_by;
          auto job = SelectJob(c, id, true, &leased_by);
          if (!job) return Status::Error(ErrorCode::kNotFound, "no job " + id);
          if (job->status != JobStatus::kProcessing) {
            // Only a worker holding a claim publishes: the job was reclaimed.
            return LeaseLost(id,
                             "is " + std::string(JobStatusName(job->status)) + ", not PROCESSING");
          }
          EDGEPIX_RETURN_IF_ERROR(CheckLease(id, leased_by));
          EDGEPIX_RETURN_IF_ERROR(publish());
          auto same = std::find_if(job->variants.begin(), job->variants.end(),
                                   [&](const VariantRecord& v) { return v.name == variant.name; });
          if (same != job->variants.end()) {
            *same = variant;
          } else {
            job->variants.push_back(variant);
          }
          Touch(&*job);
          WriteJob(c, *job, Lease::kTake);
          txn.Commit();
          return std::move(*job);
        },
        false);
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
    return Run("requeue jobs", [&](PgConn& c) -> Result<InterruptedJobs> {
      return Reclaim(c, max_attempts, true);
    });
  }

  Status Delete(const std::string& id) override {
    return Run("delete job", [&](PgConn& c) -> Status {
      PgTransaction txn(c);
      // Waits for a PublishVariant holding the row: serialised with it.
      PgResult r = c.Exec(
          "WITH d AS (DELETE FROM jobs WHERE id = $1 RETURNING id, batch_id) "
          "SELECT batch_id, pg_notify($2, id) FROM d",
          {id, std::string(kPgChangeChannel)});
      if (r.rows() == 0) return Status::Error(ErrorCode::kNotFound, "no job " + id);
      AppendEvent(c, JobEventKind::kDeleted, id);
      const bool events = RefreshBatch(c, hooks_, r.text(0, 0));
      txn.Commit();
      EventsCommitted(hooks_, events);
      return Status::Ok();
    });
  }

  Result<Job> SetModeration(const std::string& id, Moderation moderation) override {
    if (moderation == Moderation::kPending) {
      return Status::Error(ErrorCode::kBadRequest, "a job can be approved or hidden");
    }
    return Run("moderate job", [&](PgConn& c) -> Result<Job> {
      PgTransaction txn(c);
      auto job = SelectJob(c, id, true);
      if (!job) return Status::Error(ErrorCode::kNotFound, "no job " + id);
      if (job->moderation == moderation) return std::move(*job);
      job->moderation = moderation;
      Touch(&*job);
      WriteJob(c, *job, Lease::kKeep);
      AppendEvent(
          c, moderation == Moderation::kApproved ? JobEventKind::kApproved : JobEventKind::kHidden,
          id);
      txn.Commit();
      return std::move(*job);
    });
  }

  Result<std::vector<JobEvent>> EventsAfter(int64_t after, int limit) override {
    return Run("read job events", [&](PgConn& c) -> Result<std::vector<JobEvent>> {
      PgResult r = c.Exec(
          "SELECT seq, kind, job_id, created_at FROM job_events WHERE seq > $1 "
          "ORDER BY seq LIMIT $2",
          {std::to_string(after), std::to_string(std::max(0, limit))});
      std::vector<JobEvent> out;
      for (int i = 0; i < r.rows(); ++i) {
        JobEvent e;
        e.seq = r.int64(i, 0);
        e.kind = ParseJobEventKind(r.text(i, 1)).value_or(JobEventKind::kCompleted);
        e.job_id = r.text(i, 2);
        e.created_at = r.text(i, 3);
        out.push_back(std::move(e));
      }
      return out;
    });
  }

  Result<int64_t> LastEventSeq() override {
    return Run("read job events", [&](PgConn& c) -> Result<int64_t> {
      // The sequence remembers the highest seq handed out, also after the
      // rows are gone (a seq is never reused).
      PgResult r =
          c.Exec("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM job_events_seq_seq");
      return r.int64(0, 0);
    });
  }

  Result<int64_t> CountByStatus(JobStatus status) override {
    return Run("count jobs", [&](PgConn& c) -> Result<int64_t> {
      PgResult r = c.Exec("SELECT COUNT(*) FROM jobs WHERE status = $1",
                          {std::string(JobStatusName(status))});
      return r.int64(0, 0);
    });
  }

  Result<std::vector<std::string>> ListIdsCreatedBefore(const std::string& iso_time,
                                                        int limit) override {
    return Run("list old jobs", [&](PgConn& c) -> Result<std::vector<std::string>> {
      PgResult r = c.Exec("SELECT id FROM jobs WHERE created_at < $1 ORDER BY seq LIMIT $2",
                          {iso_time, std::to_string(std::max(1, limit))});
      std::vector<std::string> ids;
      for (int i = 0; i < r.rows(); ++i) ids.push_back(r.text(i, 0));
      return ids;
    });
  }

  Result<std::optional<Job>> FindCompletedBySha256(const std::string& sha256,
                                                   const std::string& spec_key) override {
    return Run("find job by sha256", [&](PgConn& c) -> Result<std::optional<Job>> {
      PgResult r = c.Exec(std::string("SELECT ") + kJobColumns +
                              " FROM jobs WHERE sha256 = $1 AND spec_key = $2"
                              " AND spec_key != '' AND status = 'COMPLETED'"
                              " ORDER BY seq LIMIT 1",
                          {sha256, spec_key});
      if (r.rows() == 0) return std::optional<Job>();
      return std::optional<Job>(ReadJob(r, 0));
    });
  }

  Status CheckWritable() override {
    return Run("check the job database", [&](PgConn& c) -> Status {
      PgResult r = c.Exec("SELECT pg_is_in_recovery()");
      if (r.boolean(0, 0)) {
        return Status::Error(ErrorCode::kUnavailable, "the job database is a read-only standby");
      }
      return Status::Ok();
    });
  }

 private:
  template <typename Fn>
  auto Run(const std::string& what, Fn&& fn, bool retry_lost = true)
      -> decltype(fn(std::declval<PgConn&>())) {
    return RunPg(*s_->pool, what, std::forward<Fn>(fn), retry_lost);
  }

  // Marks the grant used by job `job_id`; kGrantInvalid when another upload
  // used it first (the row was checked, unused, before the upload began).
  Status UseGrant(PgConn& c, const std::string& grant_id, const std::string& job_id) {
    PgResult r =
        c.Exec("UPDATE upload_grants SET used_at = $2, job_id = $3 WHERE id = $1 AND used_at = ''",
               {grant_id, NowIso8601(), job_id});
    if (r.affected() == 1) return Status::Ok();
    return Status::Error(ErrorCode::kGrantInvalid,
                         SelectGrant(c, grant_id) ? "used: this upload grant has been used already"
                                                  : "unknown: no such upload grant");
  }

  // The job (locked FOR UPDATE when asked) and, into *leased_by, its lease holder.
  std::optional<Job> SelectJob(PgConn& c, const std::string& id, bool for_update,
                               std::string* leased_by = nullptr) {
    PgResult r =
        c.Exec(std::string("SELECT ") + kJobColumns + ", leased_by FROM jobs WHERE id = $1" +
                   (for_update ? " FOR UPDATE" : ""),
               {id});
    if (r.rows() == 0) return std::nullopt;
    if (leased_by) *leased_by = r.text(0, kJobColumnCount);
    return ReadJob(r, 0);
  }

  // What a write does to the job's lease: kTake leases it to this node (a
  // claim; renews it when this node holds it), kRelease clears it (the job
  // left PROCESSING), kKeep leaves it to whoever holds it (moderation),
  // kReclaimed marks it taken back from its node (kReclaimedMark).
  enum class Lease { kTake, kRelease, kKeep, kReclaimed };

  // Inserts `row` as it is at the back of the queue and sends its NOTIFY;
  // false (nothing written) when the id exists.
  bool InsertRow(PgConn& c, const Job& row) {
    PgParams p = RowParams(row);
    p.push_back(row.batch_id);
    p.push_back(row.uploader);
    p.push_back(std::string(kPgChangeChannel));
    PgResult r = c.Exec(
        "WITH i AS (INSERT INTO jobs (id, status, version, filename, created_at, updated_at, "
        "original_bytes, original_format, original_width, original_height, sha256, "
        "metadata_json, variants_json, error_code, error_message, attempts, spec_key, "
        "suspect, warnings_json, thumbhash, moderation, batch_id, uploader, seq) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, "
        "$18, $19, $20, $21, $22, $23, nextval('job_seq')) ON CONFLICT (id) DO NOTHING "
        "RETURNING id) SELECT pg_notify($24, id) FROM i",
        p);
    return r.rows() == 1;
  }

  // Writes every mutable column and sends the change's NOTIFY, in one
  // statement. `to_back`: a new seq (the back of the queue).
  void WriteJob(PgConn& c, const Job& job, Lease lease, bool to_back = false) {
    PgParams p = RowParams(job);
    p.push_back(lease == Lease::kKeep        ? std::nullopt
                : lease == Lease::kTake      ? std::optional<std::string>(options_.node_id)
                : lease == Lease::kReclaimed ? std::optional<std::string>(kReclaimedMark)
                                             : std::optional<std::string>(""));
    p.push_back(lease == Lease::kTake ? std::optional<std::string>(lease_) : std::nullopt);
    p.push_back(std::string(to_back ? "true" : "false"));
    p.push_back(std::string(kPgChangeChannel));
    PgResult r = c.Exec(
        "WITH u AS (UPDATE jobs SET status = $2, version = $3, filename = $4, created_at = $5, "
        "updated_at = $6, original_bytes = $7, original_format = $8, original_width = $9, "
        "original_height = $10, sha256 = $11, metadata_json = $12, variants_json = $13, "
        "error_code = $14, error_message = $15, attempts = $16, spec_key = $17, suspect = $18, "
        "warnings_json = $19, thumbhash = $20, moderation = $21, "
        "leased_by = COALESCE($22::text, leased_by), "
        "leased_until = CASE WHEN $22::text IS NULL THEN leased_until "
        "ELSE now() + $23::float8 * interval '1 second' END, "
        "seq = CASE WHEN $24::boolean THEN nextval('job_seq') ELSE seq END "
        "WHERE id = $1 RETURNING id) SELECT pg_notify($25, id) FROM u",
        p);
    if (r.rows() != 1) throw std::runtime_error("job " + job.id + " vanished during an update");
  }

  // A PROCESSING job may be changed only by the node holding its lease.
  Status CheckLease(const std::string& id, const std::string& leased_by) const {
    if (leased_by != options_.node_id) {
      return LeaseLost(id, "is now processed by " + (leased_by.empty() ? "no node" : leased_by));
    }
    return Status::Ok();
  }

 public:
  Status CheckClaim(const std::string& id) override {
    return Run("check job claim", [&](PgConn& c) -> Status {
      PgResult r = c.Exec("SELECT status, leased_by FROM jobs WHERE id = $1", {id});
      if (r.rows() == 0) return Status::Error(ErrorCode::kNotFound, "no job " + id);
      const std::string status = r.text(0, 0);
      if (status != JobStatusName(JobStatus::kProcessing)) {
        // PENDING: requeued for another run; COMPLETED or FAILED: another
        // node's run has ended it.
        const bool requeued = status == JobStatusName(JobStatus::kPending);
        return LeaseLost(id, "is " + status + (requeued ? " again" : ", finished by another run"));
      }
      return CheckLease(id, r.text(0, 1));
    });
  }

 private:
  void AppendEvent(PgConn& c, JobEventKind kind, const std::string& job_id) {
    // Held to the commit: seqs become visible in the order they were given.
    c.Exec("SELECT pg_advisory_xact_lock($1)", {kEventLock});
    c.Exec(
        "WITH e AS (INSERT INTO job_events (kind, job_id, created_at) VALUES ($1, $2, $3) "
        "RETURNING seq) SELECT pg_notify($4, $5) FROM e",
        {std::string(JobEventKindName(kind)), job_id, NowIso8601(), std::string(kPgChangeChannel),
         std::string(kJobEventsTopic)});
  }

  // One claim attempt in its own transaction. `exclusive`: holds every other
  // claim off, so a suspect may start; otherwise sets *suspect_next when the
  // oldest claimable job is a suspect (the caller retries exclusively).
  std::optional<Job> ClaimIn(PgConn& c, bool exclusive, bool* suspect_next) {
    *suspect_next = false;
    PgTransaction txn(c);
    c.Exec(
        exclusive ? "SELECT pg_advisory_xact_lock($1)" : "SELECT pg_advisory_xact_lock_shared($1)",
        {kClaimLock});
    PgResult running = c.Exec(
        "SELECT COUNT(*), COALESCE(bool_or(suspect), false) FROM jobs "
        "WHERE status = 'PROCESSING'");
    // A suspect runs alone (see RequeueInterrupted).
    if (running.boolean(0, 1)) return std::nullopt;
    const bool busy = running.int64(0, 0) > 0;
    PgResult r =
        c.Exec(std::string("SELECT ") + kJobColumns + " FROM jobs WHERE status = 'PENDING'" +
               (busy ? " AND NOT suspect" : "") + " ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED");
    if (r.rows() == 0) return std::nullopt;
    Job job = ReadJob(r, 0);
    if (job.suspect && !exclusive) {
      *suspect_next = true;
      return std::nullopt;
    }
    job.status = JobStatus::kProcessing;
    job.attempts += 1;
    Touch(&job);
    WriteJob(c, job, Lease::kTake);
    RefreshBatch(c, hooks_, job.batch_id);  // PROCESSING: never terminal
    txn.Commit();
    return job;
  }

  // The jobs of nodes whose every lease expired (and, with `own`, this node
  // id's from a previous run) go back to PENDING or end poison; see
  // SettleInterruptedJob. Sweeps are serialised by an advisory lock.
  InterruptedJobs Reclaim(PgConn& c, int max_attempts, bool own) {
    PgTransaction txn(c);
    c.Exec("SELECT pg_advisory_xact_lock($1)", {kReclaimLock});
    PgResult r = c.Exec(std::string("SELECT ") + kJobColumns +
                            ", leased_by FROM jobs WHERE status = 'PROCESSING' AND leased_by IN ("
                            "SELECT leased_by FROM jobs WHERE status = 'PROCESSING' "
                            "GROUP BY leased_by HAVING MAX(leased_until) < now() "
                            "OR leased_by = $1 OR leased_by = '') ORDER BY seq FOR UPDATE",
                        {own ? options_.node_id : std::string()});
    std::map<std::string, int> held;  // leased_by -> its PROCESSING jobs
    std::vector<std::pair<Job, std::string>> stuck;
    for (int i = 0; i < r.rows(); ++i) {
      stuck.emplace_back(ReadJob(r, i), r.text(i, kJobColumnCount));
      ++held[stuck.back().second];
    }
    InterruptedJobs out;
    bool events = false;
    for (auto& [job, holder] : stuck) {
      // Alone: the only job the stopped node was running, the likely cause.
      const bool alone = held[holder] == 1;
      if (SettleInterruptedJob(&job, alone, max_attempts)) {
        WriteJob(c, job, Lease::kRelease);
        AppendEvent(c, JobEventKind::kFailed, job.id);
        events = RunJobTerminalHook(hooks_, c, job) || events;
        out.poisoned.push_back(job.id);
      } else {
        WriteJob(c, job, Lease::kReclaimed, true);
        out.requeued.push_back(job.id);
      }
    }
    for (const auto& [job, holder] : stuck) {
      events = RefreshBatch(c, hooks_, job.batch_id) || events;
    }
    txn.Commit();
    EventsCommitted(hooks_, events);
    return out;
  }

  // Loads `id` (locked), checks from -> `to` and the lease, applies `change`,
  // bumps version; one transaction.
  template <typename Change>
  Result<Job> Transition(const std::string& id, JobStatus to, Change&& change) {
    return Run(std::string("mark job ") + JobStatusName(to), [&](PgConn& c) -> Result<Job> {
      PgTransaction txn(c);
      std::string leased_by;
      auto job = SelectJob(c, id, true, &leased_by);
      if (!job) return Status::Error(ErrorCode::kNotFound, "no job " + id);
      // Taken back from a node that stalled past its lease: that node's late
      // MarkFailed must not end the job another node is about to run.
      if (job->status == JobStatus::kPending && leased_by == kReclaimedMark) {
        return LeaseLost(id, "was reclaimed and is PENDING again");
      }
      if (!IsAllowedTransition(job->status, to)) {
        // A worker's write after another node reclaimed and finished the job.
        if (job->status == JobStatus::kCompleted || job->status == JobStatus::kFailed) {
          LeaseReclaims().Add({"lost"});
        }
        return TransitionError(*job, to);
      }
      if (job->status == JobStatus::kProcessing) {
        EDGEPIX_RETURN_IF_ERROR(CheckLease(id, leased_by));
      }
      change(&*job);
      job->status = to;
      Touch(&*job);
      WriteJob(c, *job, Lease::kRelease);
      bool events = false;
      if (to == JobStatus::kCompleted || to == JobStatus::kFailed) {
        AppendEvent(
            c, to == JobStatus::kCompleted ? JobEventKind::kCompleted : JobEventKind::kFailed, id);
        events = RunJobTerminalHook(hooks_, c, *job);
      }
      events = RefreshBatch(c, hooks_, job->batch_id) || events;
      txn.Commit();
      EventsCommitted(hooks_, events);
      return std::move(*job);
    });
  }

  void HeartbeatLoop() {
    const auto period = std::max(std::chrono::milliseconds(50), options_.lease / 3);
    std::unique_lock<std::mutex> lock(mu_);
    while (!cv_.wait_for(lock, period, [this] { return stopping_; })) {
      lock.unlock();
      Status renewed = Run("renew leases", [&](PgConn& c) -> Status {
        c.Exec(
            "UPDATE jobs SET leased_until = now() + $2::float8 * interval '1 second' "
            "WHERE leased_by = $1 AND status = 'PROCESSING'",
            {options_.node_id, lease_});
        return Status::Ok();
      });
      if (!renewed.ok()) log::Warning("cannot renew job leases: " + renewed.ToString());
      auto reclaimed = Run("reclaim expired leases", [&](PgConn& c) -> Result<InterruptedJobs> {
        return Reclaim(c, options_.max_attempts, false);
      });
      if (!reclaimed.ok()) {
        log::Warning("cannot reclaim expired job leases: " + reclaimed.status().ToString());
      } else if (!reclaimed->requeued.empty() || !reclaimed->poisoned.empty()) {
        LeaseReclaims().Add({"requeued"}, static_cast<double>(reclaimed->requeued.size()));
        LeaseReclaims().Add({"poisoned"}, static_cast<double>(reclaimed->poisoned.size()));
        log::Diagnostic("lease_reclaimed",
                        {{"requeued", static_cast<int64_t>(reclaimed->requeued.size())},
                         {"poisoned", static_cast<int64_t>(reclaimed->poisoned.size())}});
        if (!reclaimed->poisoned.empty() && hooks_.after_poisoned) {
          hooks_.after_poisoned(reclaimed->poisoned);
        }
      }
      lock.lock();
    }
  }

  std::shared_ptr<PgShared> s_;
  const PgJobStoreOptions& options_;
  const PgStoreHooks& hooks_;
  const std::string lease_;  // the lease length in seconds, as SQL text
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // under mu_
  std::thread heartbeat_;
};

}  // namespace

bool RunJobTerminalHook(const PgStoreHooks& hooks, PgConn& txn, const Job& job) {
  if (!hooks.on_job_terminal) return false;
  hooks.on_job_terminal(txn, job);
  return true;
}

void EventsCommitted(const PgStoreHooks& hooks, bool events) {
  if (events && hooks.on_events_committed) hooks.on_events_committed();
}

bool IsPostgresUrl(const std::string& url) {
  return url.rfind("postgres://", 0) == 0 || url.rfind("postgresql://", 0) == 0;
}

std::unique_ptr<JobStore> MakePgJobStore(std::shared_ptr<PgShared> shared) {
  return std::make_unique<PgJobStore>(std::move(shared));
}

Result<PgStores> OpenPgStores(const PgJobStoreOptions& options, PgStoreHooks hooks) {
  try {
    auto shared = std::make_shared<PgShared>();
    shared->options = options;
    shared->hooks = std::move(hooks);
    // The heartbeat has a connection of its own to draw on.
    shared->pool = std::make_unique<PgPool>(options.url, options.connections + 1);
    {
      auto lease = shared->pool->Acquire();
      MigratePgJobSchema(lease.conn());
    }
    PgStores stores;
    stores.jobs = MakePgJobStore(shared);
    stores.batches = MakePgBatchStore(shared);
    stores.grants = MakePgGrantStore(shared);
    return stores;
  } catch (const std::exception& e) {
    return StatusFromPgError("open the PostgreSQL job database", e);
  }
}

Result<std::unique_ptr<JobStore>> OpenPgJobStore(const PgJobStoreOptions& options) {
  EDGEPIX_ASSIGN_OR_RETURN(auto stores, OpenPgStores(options));
  return std::move(stores.jobs);
}

}  // namespace edgepix
