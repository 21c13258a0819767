// Job: one uploaded image and what became of it.
//
// State machine: PENDING -> PROCESSING -> COMPLETED | FAILED, and
// PROCESSING -> PENDING for a retry or a crash recovery. `version` starts at 1
// and grows by one on every change, so clients can long-poll on it.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "image/pipeline.h"
#include "jobs/moderation.h"

namespace edgepix {

enum class JobStatus { kPending, kProcessing, kCompleted, kFailed };
const char* JobStatusName(JobStatus s);  // "PENDING", ...
std::optional<JobStatus> ParseJobStatus(const std::string& name);
bool IsTerminal(JobStatus s);
// Whether the state machine allows from -> to.
bool IsAllowedTransition(JobStatus from, JobStatus to);

struct OriginalRecord {
  uint64_t bytes = 0;
  std::string format;  // "jpeg", "png", ...
  int width = 0;       // as stored in the header
  int height = 0;
  std::string sha256;  // lowercase hex
};

struct VariantRecord {
  std::string name;
  int width = 0;
  int height = 0;
  uint64_t bytes = 0;
};

struct JobError {
  std::string code;  // e.g. "undecodable"
  std::string message;
};

struct Job {
  std::string id;
  JobStatus status = JobStatus::kPending;
  int64_t version = 1;
  std::string filename;    // client-supplied, metadata only
  std::string created_at;  // ISO 8601 UTC with milliseconds, "2026-11-25T02:37:09.123Z"
  std::string updated_at;
  OriginalRecord original;
  // What the image itself says (EXIF date, camera, GPS, orientation); known
  // once the job COMPLETED, nullopt before and for a FAILED job.
  std::optional<image::ImageMetadata> metadata;
  std::vector<VariantRecord> variants;
  std::optional<JobError> error;
  // What the image decode tolerated (libjpeg's warnings on a damaged JPEG...),
  // set at COMPLETED; empty otherwise.
  std::vector<std::string> warnings;
  // The placeholder a page shows until the thumb loads: ThumbHash bytes
  // (image/thumbhash.h), set at COMPLETED; empty otherwise.
  std::string thumbhash;
  int attempts = 0;  // processing attempts counted against the job (see JobStore)
  // The variant settings (VariantSpecKey) its variants were made with; set at
  // COMPLETED, so a duplicate is served only variants made exactly so.
  std::string spec_key;
  // Interrupted by a crash alongside other jobs: runs alone until it ends, so
  // a crash while it runs can be told apart from its neighbours'.
  bool suspect = false;
  // The batch it belongs to (see jobs/batch.h); empty when none. Set at Insert.
  std::string batch_id;
  // Who uploaded it, as an opaque tag the HTTP layer chose (a guest's session);
  // empty for the owner or an open server. Set at Insert, never changed.
  std::string uploader;
  // Whether the owner lets everyone see it (jobs/moderation.h). Set at Insert
  // (kPending for a guest's upload under --moderate), then by SetModeration.
  Moderation moderation = Moderation::kApproved;
};

// Now as ISO 8601 UTC with milliseconds.
std::string NowIso8601();
// `when` in the same form.
std::string Iso8601(std::chrono::system_clock::time_point when);

}  // namespace edgepix
