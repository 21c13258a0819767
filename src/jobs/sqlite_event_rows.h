// The job event log's rows (table job_events, see jobs/job_event.h); internal
// to src/jobs/sqlite_*. Appending runs on the writer inside the transaction of
// the change it records; reads run on any connection.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <vector>

#include "jobs/job_event.h"

namespace edgepix {

void AppendJobEvent(SQLite::Database& writer, JobEventKind kind, const std::string& job_id);
std::vector<JobEvent> SelectEventsAfter(SQLite::Database& db, int64_t after, int limit);
int64_t SelectLastEventSeq(SQLite::Database& db);

}  // namespace edgepix
