// The SQLite job database: connection settings and schema migrations.
//
// The schema version lives in PRAGMA user_version; MigrateJobSchema() applies, in one
// transaction, every step from the file's version up to kJobSchemaVersion and
// refuses a file written by a newer edgepix. ConfigureWriter() sets WAL mode,
// synchronous=FULL (an acknowledged upload survives power loss; the commits
// allowed not to wait for the disk say so, jobs/sqlite_shared.h
// SqliteRelaxedCommit) and foreign keys. These functions throw SQLite::Exception; the store turns
// that into a Status.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

namespace edgepix {

inline constexpr int kJobSchemaVersion = 10;
inline constexpr int kSqliteBusyTimeoutMs = 5000;

void ConfigureWriter(SQLite::Database& db);
void ConfigureReader(SQLite::Database& db);
void MigrateJobSchema(SQLite::Database& db);

}  // namespace edgepix
