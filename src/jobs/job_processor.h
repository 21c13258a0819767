// JobProcessor: runs one claimed job to its end state.
//
// Reads the original from the BlobStore, runs the image pipeline, stores every
// variant atomically, then records COMPLETED (or FAILED with the pipeline's
// reason) in the JobStore and notifies waiters. A job that has the same bytes
// (sha256) as a COMPLETED job with the same variant names is not processed
// again: the earlier variants are copied under the new id.
//
// Storage trouble (full disk, I/O error) is transient: the job stays
// PROCESSING for a backoff (retry_backoff_ms doubling per attempt, capped),
// then goes back to PENDING; once `max_attempts` attempts have been made it ends
// FAILED with the reason. Interrupt() cuts every backoff short (shutdown). A job
// deleted while it ran leaves no variant behind.
//
// Thread-safety: one JobProcessor is shared by all workers; Run() is called
// concurrently, each call with a different job, and Interrupt() from any thread.
#pragma once

#include <condition_variable>
#include <mutex>
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

// The job JSON "metadata" object for what the pipeline found.
nlohmann::json MetadataToJson(const image::ImageMetadata& metadata);

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
  void Finish(const Result<Job>& updated, const std::string& id);
  void FailOrRetry(const Job& job, const Status& st);
  // True if the job was completed from an earlier job with the same bytes.
  bool CompleteFromDuplicate(const Job& job);
  void Backoff(int attempts);

  JobStore* store_;
  BlobStore* blobs_;
  JobNotifier* notifier_;
  ProcessorOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool interrupted_ = false;
};

}  // namespace edgepix
