// Readiness probes wired into /readyz by `edgepix serve`. They live with the
// wiring because they know the concrete embedded stores (an SQLite file and a
// local directory); other deployments wire their own.
#pragma once

#include <string>

#include "common/status.h"

namespace edgepix::cli {

// OK when the SQLite database at `db_path` takes the write lock right now
// (BEGIN IMMEDIATE, then ROLLBACK: nothing is written) on a connection that is
// not read-only, and a small file can be written, fsync'd and removed in
// `scratch_dir`. Each failure names what failed. Waits at most ~2 s for a lock.
Status CheckDatabaseWritable(const std::string& db_path, const std::string& scratch_dir);

}  // namespace edgepix::cli
