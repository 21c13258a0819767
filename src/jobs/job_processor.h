// JobProcessor: runs one claimed job to its end state.
//
// Reads the original from the BlobStore, runs the image pipeline, stores every
// variant atomically, then records COMPLETED (or FAILED with the pipeline's
// reason) in the JobStore and notifies waiters. Storage trouble (full disk, I/O
// error) is transient: the job goes back to PENDING until `max_attempts`, then
// FAILED. A job deleted while it ran leaves no variant behind.
#pragma once

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
  int max_attempts = 3;
};

// The job JSON "metadata" object for what the pipeline found.
nlohmann::json MetadataToJson(const image::ImageMetadata& metadata);

class JobProcessor {
 public:
  // The pointers must outlive the processor.
  JobProcessor(JobStore* store, BlobStore* blobs, JobNotifier* notifier, ProcessorOptions options);

  // `job` was returned by JobStore::ClaimNext (status PROCESSING).
  void Run(const Job& job);
  const ProcessorOptions& options() const { return options_; }

 private:
  void Finish(const Result<Job>& updated, const std::string& id);
  JobStore* store_;
  BlobStore* blobs_;
  JobNotifier* notifier_;
  ProcessorOptions options_;
};

}  // namespace edgepix
