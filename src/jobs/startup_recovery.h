// Startup recovery: puts the data directory back in order before serving.
//
// Runs once, before any worker or HTTP thread starts, so nothing races it:
//  1. temp files of writes a crash interrupted are removed;
//  2. jobs left PROCESSING by a crash go back to PENDING, at the back of the
//     queue, and their variants are removed (JobStore::RequeueInterrupted): a
//     crash counts against a job only when it was the only one running, and
//     one whose counted attempts reached `max_attempts` ends FAILED "poison"
//     (an image that kills the process every time cannot keep the queue in a
//     crash loop, and innocent neighbours do not end poison with it);
//  3. originals and variant directories with no job row are removed: an upload
//     whose original was renamed into place but whose row was never committed
//     (never acknowledged), or an image whose row was deleted just before a
//     crash.
#pragma once

#include <cstdint>

#include "common/status.h"
#include "jobs/job_store.h"
#include "storage/blob_store.h"

namespace edgepix {

struct RecoveryReport {
  int64_t requeued = 0;         // PROCESSING -> PENDING
  int64_t poisoned = 0;         // PROCESSING -> FAILED ("poison")
  int64_t orphans_removed = 0;  // image ids removed from the blob store
};

Result<RecoveryReport> RecoverAtStart(JobStore* store, BlobStore* blobs, int max_attempts);

}  // namespace edgepix
