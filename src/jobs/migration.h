// Migration: copies every job of one job store, its event log, its batches and
// upload grants, and the blobs of its jobs (originals, variants) into other
// stores, and verifies the copy: what `edgepix migrate` runs to move an
// embedded install (SQLite + disk) to PostgreSQL and/or an S3 bucket.
//
// Promises:
//  - Either target may be absent: its part stays where it is (and is only
//    verified in place: the originals' sha256, the variants' sizes).
//  - Per job, oldest first: its blobs first, each read back from the target
//    and checked (an original against the sha256 recorded in the job, a
//    variant byte for byte against the source); only then the job row
//    (JobStore::Import), so a target job never names a blob the target lacks.
//    A job whose blobs failed is not imported.
//  - Rerunnable (idempotent): a blob already in the target with the right
//    bytes and a job row already there and equal are kept, not written again;
//    a different row under the same id is a problem, never overwritten.
//  - A job the source left PROCESSING (a node that stopped mid-job) is
//    imported PENDING with its variants dropped, as a restart would have done
//    (the crash is not counted against it); its batch's counts, imported as
//    they were, catch up at the job's next change (every change recounts).
//  - Batches are copied before the jobs, grants after them, as they are
//    (BatchStore::Import, GrantStore::Import), when both sides have them.
//  - The event log is copied under its own seqs (JobStore::ImportEvent), so
//    a client resuming a live view with its last seq misses nothing.
//  - Counts: at the end the number of source jobs found equal in the target
//    is compared with the number of source jobs.
//  - A problem (an unreadable blob, a mismatch, a conflicting row) is
//    recorded and the run goes on with the next job; verified() only when
//    none was met.
// Nothing is deleted from the source. The source must not change meanwhile
// (its node stopped). Runs on the calling thread; the stores must outlive the
// call.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "jobs/batch_store.h"
#include "jobs/grant_store.h"
#include "jobs/job_store.h"
#include "storage/blob_store.h"

namespace edgepix {

struct MigrationSource {
  JobStore* jobs = nullptr;
  BlobStore* blobs = nullptr;
  BatchStore* batches = nullptr;    // nullptr: none to copy
  std::vector<UploadGrant> grants;  // the grants to copy
};

struct MigrationTargets {
  JobStore* jobs = nullptr;       // nullptr: the jobs (and the rest) stay in the source
  BlobStore* blobs = nullptr;     // nullptr: the blobs stay in the source store
  BatchStore* batches = nullptr;  // with `jobs`
  GrantStore* grants = nullptr;   // with `jobs`
};

struct MigrationOptions {
  // One human-readable line per step worth telling (stderr in the CLI).
  std::function<void(const std::string&)> progress;
  // Called after each blob written to the target (a fault point for tests of
  // an interrupted run); may be empty.
  std::function<void()> after_blob_written;
};

struct MigrationReport {
  int64_t jobs = 0;           // jobs in the source
  int64_t jobs_imported = 0;  // rows written by this run
  int64_t jobs_present = 0;   // rows already there and equal
  int64_t jobs_verified = 0;  // rows now in the target and equal (or in place)
  int64_t originals_copied = 0;
  int64_t originals_present = 0;   // already in the target with the right sha256
  int64_t originals_verified = 0;  // where the node will read them, sha256 checked
  int64_t variants_copied = 0;
  int64_t variants_present = 0;
  int64_t variants_verified = 0;
  int64_t events = 0;   // event log rows copied or found equal
  int64_t batches = 0;  // batches copied or found equal
  int64_t grants = 0;   // upload grants copied or found equal
  uint64_t bytes_copied = 0;
  std::vector<std::string> problems;  // one sentence each; empty: verified
  bool verified() const { return problems.empty(); }
};

// `source.jobs` and `source.blobs` must be set.
MigrationReport MigrateStores(const MigrationSource& source, const MigrationTargets& targets,
                              const MigrationOptions& options);

// Whether two rows describe the same job (every field a client or a worker
// reads; the store's queue position aside).
bool SameJob(const Job& a, const Job& b);

}  // namespace edgepix
