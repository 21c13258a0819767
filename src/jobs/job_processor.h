// JobProcessor: runs one claimed job to its end state.
//
// Reads the original from the BlobStore, runs the image pipeline and publishes
// each variant as soon as it is encoded (listed in the job, version bumped,
// waiters notified), then records COMPLETED (or FAILED with the pipeline's
// reason). A variant is servable from its rename on; its fsyncs wait until
// every variant is published and happen before COMPLETED is recorded
// (VariantDurability::kDeferred): what COMPLETED promises is durable, and a
// crash before it requeues the job, whose variants the restart deletes. A job that has the same
// bytes (sha256) as a COMPLETED job whose variants were made with the same settings
// (VariantSpecKey) is not processed again: the earlier variants are copied under the new id.
//
// A job deleted while it runs: each variant is published through
// JobStore::PublishVariant, which refuses once the row is gone, so nothing of
// it becomes visible after the delete; what this run wrote is removed.
//
// Storage trouble (full disk, I/O error) is transient: the job stays
// PROCESSING for a backoff (retry_backoff_ms doubling per attempt, capped),
// then goes back to PENDING; once `max_attempts` attempts have been made it ends
// FAILED with the reason. A state write that fails (e.g. the database on a full
// disk) is retried with the same backoff until it lands, so a job is never left
// PROCESSING while the server runs. Interrupt() cuts every backoff short and
// stops those retries (shutdown; the next start requeues the job).
// A node that stalled past its lease (jobs/pg_job_store.h) and comes back
// finds its writes refused (kConflict): it then stops the run without
// recording anything, and removes the files of a failed attempt only after
// JobStore::CheckClaim said the job is still its own, so it never fails,
// retries or empties a job another node reclaimed.
//
// Run() may be called from several threads at once, Interrupt() from any thread.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "image/pipeline.h"
#include "jobs/job.h"
#include "jobs/job_notifier.h"
#include "jobs/job_store.h"
#include "storage/blob_store.h"

namespace edgepix {

struct ProcessorOptions {
  std::vector<image::VariantSpec> variants = image::DefaultVariants();
  image::PipelineOptions pipeline;
  int max_attempts = 5;
  int retry_backoff_ms = 500;  // first backoff; doubles per attempt
  int max_retry_backoff_ms = 30000;
  bool dedup = true;  // reuse variants of identical bytes
};

// The variant settings as one string: each variant's name, size, fit and
// quality, the WebP method, the output format and what decides animation
// (keep_animation, max_frames, animated_thumb). Equal keys = equal output.
std::string VariantSpecKey(const std::vector<image::VariantSpec>& specs,
                           const image::PipelineOptions& pipeline);

class JobProcessor {
 public:
  // The pointers must outlive the processor.
  JobProcessor(JobStore* store, BlobStore* blobs, JobNotifier* notifier, ProcessorOptions options);

  // `job` was returned by JobStore::ClaimNext (status PROCESSING).
  void Run(const Job& job);
  // Ends current and future backoff waits at once (used at shutdown).
  void Interrupt();
  const ProcessorOptions& options() const { return options_; }

 private:
  // Runs `write` (a state change) until it lands, is moot (the job was
  // deleted or changed state) or the processor is interrupted; then logs,
  // cleans up after a delete and notifies.
  void Record(const std::string& id, const std::function<Result<Job>()>& write);
  void Finish(const Result<Job>& updated, const std::string& id);
  using Published = std::vector<std::unique_ptr<StagedVariant>>;
  // Stages `data`, then publishes it under the job's row (see JobStore); adds
  // it to `published`, whose MakeDurable() is due before COMPLETED.
  Status PublishVariant(const std::string& id, const VariantRecord& record, const std::string& data,
                        Published* published);
  // fsyncs what PublishVariant published; the first error.
  static Status MakeDurable(const Published& published);
  void FailOrRetry(const Job& job, const Status& st);
  // Before a failed attempt's variants are removed: true when the job is
  // still this run's to change (then they are removed); false when the run
  // must stop (lease lost, or deleted: then what it wrote is removed). When
  // the store cannot tell (unavailable) the files stay and the run goes on.
  bool DiscardAttempt(const Job& job);
  void PublishFailed(const Job& job, const Status& st);
  // True if the job was completed from an earlier job with the same bytes.
  bool CompleteFromDuplicate(const Job& job);
  void Backoff(int attempts);
  bool interrupted();

  JobStore* store_;
  BlobStore* blobs_;
  JobNotifier* notifier_;
  ProcessorOptions options_;
  std::string spec_key_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool interrupted_ = false;
};

}  // namespace edgepix
