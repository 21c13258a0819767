#include "jobs/job_transitions.h"

namespace edgepix {

void SetCompleted(Job* job, const OriginalRecord& original, const image::ImageMetadata& metadata,
                  const std::vector<VariantRecord>& variants, const std::string& spec_key,
                  const std::vector<std::string>& warnings, const std::string& thumbhash) {
  job->thumbhash = thumbhash;
  job->original = original;
  job->metadata = metadata;
  job->variants = variants;
  job->spec_key = spec_key;
  job->warnings = warnings;
  job->error.reset();
}

void SetFailed(Job* job, const JobError& error) {
  ClearOutputs(job);
  job->error = error;
}

void ClearOutputs(Job* job) {
  job->variants.clear();
  job->warnings.clear();
  job->thumbhash.clear();
}

}  // namespace edgepix
