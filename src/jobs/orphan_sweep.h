// Orphan sweep: removes images from the blob store that no job references.
//
// An image with no job row is either an upload whose original reached the
// store but whose INSERT never committed (never acknowledged), or the leftover
// of a delete a crash interrupted. With several nodes sharing one blob store
// (a bucket, or a directory) an upload in flight on another node looks the
// same for a moment: its original is written before its INSERT commits. So an
// image is removed only when its newest object is older than `grace_seconds`
// (BlobStore::ListImages: LastModified for a bucket, mtime on disk); a grace
// of 0 removes every orphan, which is right only when nothing else writes to
// the store (a lone node at start). Rows are read one Get per image, after
// the listing, so a job committed meanwhile keeps its image.
//
// Thread-safe as far as the stores are; may run while uploads are served.
#pragma once

#include <cstdint>

#include "common/status.h"
#include "jobs/job_store.h"
#include "storage/blob_store.h"

namespace edgepix {

struct OrphanSweepReport {
  int64_t removed = 0;  // images without a job, older than the grace: removed
  int64_t young = 0;    // images without a job (yet), inside the grace: kept
};

// `now` in seconds since the epoch (tests pass their own clock).
Result<OrphanSweepReport> SweepOrphans(JobStore* store, BlobStore* blobs, int64_t grace_seconds,
                                       int64_t now);
// The same with the system clock.
Result<OrphanSweepReport> SweepOrphans(JobStore* store, BlobStore* blobs, int64_t grace_seconds);

}  // namespace edgepix
