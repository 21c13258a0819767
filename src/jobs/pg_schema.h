// The PostgreSQL job database's schema (internal to src/jobs/pg_*): versioned
// migrations, applied at start by whichever node gets there first. A node
// takes a session advisory lock (pg_advisory_lock) for the whole check, so
// nodes starting together migrate once, one after the other; each step runs
// in its own transaction with its version row. A database newer than this
// binary is refused. Throws PgError.
#pragma once

#include "jobs/pg_conn.h"

namespace edgepix {

inline constexpr int kPgJobSchemaVersion = 4;

void MigratePgJobSchema(PgConn& conn);

}  // namespace edgepix
