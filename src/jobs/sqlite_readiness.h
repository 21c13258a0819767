// Readiness of the SQLite job database, for SqliteJobStore::CheckWritable.
//
// Opens a connection of its own (so a database file that became read-only or
// was removed is noticed, and the store's writer mutex is not held), takes the
// write lock with BEGIN IMMEDIATE and rolls back: nothing is written. Waits at
// most `lock_wait_ms` for a lock held by another connection. Thread-safe.
#pragma once

#include <string>

#include "common/status.h"

namespace edgepix {

// OK, or kUnavailable naming what failed.
Status CheckSqliteWritable(const std::string& path, int lock_wait_ms);

}  // namespace edgepix
