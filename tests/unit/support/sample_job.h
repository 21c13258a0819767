// SampleJob: the job row the store and outbox tests insert, written once.
// A PENDING-to-be JPEG upload of 40x30 pixels with a fixed SHA-256; `batch`
// and `sha256` override what a test checks.
#pragma once

#include <string>

#include "jobs/job.h"

namespace edgepix::testing {

inline Job SampleJob(const std::string& id, const std::string& batch = "",
                     const std::string& sha256 = "") {
  Job job;
  job.id = id;
  job.filename = id + ".jpg";
  job.original.bytes = 1234;
  job.original.format = "jpeg";
  job.original.width = 40;
  job.original.height = 30;
  job.original.sha256 = sha256.empty() ? std::string(64, 'a') : sha256;
  job.batch_id = batch;
  return job;
}

}  // namespace edgepix::testing
