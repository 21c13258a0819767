// Mapping between a Job and a row of the `jobs` table, and between SQLite
// exceptions and Status.
//
// kJobColumns (jobs/job_row_codec.h) is the column list every SELECT uses, in
// the order ReadJobRow expects. WriteJobRow updates every mutable column of an existing row from a
// Job; InsertJobRow adds one with the given seq (batch_id is set only there). Read and write
// functions throw (SQLite::Exception, or nlohmann::json's on a corrupt JSON column);
// StatusFromException maps what was thrown to a Status.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <exception>
#include <optional>
#include <string>

#include "common/status.h"
#include "jobs/job.h"
#include "jobs/job_row_codec.h"

namespace edgepix {

Job ReadJobRow(SQLite::Statement& row);
std::optional<Job> SelectJobById(SQLite::Database& db, const std::string& id);
void InsertJobRow(SQLite::Database& db, const Job& job, int64_t seq);
void WriteJobRow(SQLite::Database& db, const Job& job);

// SQLITE_FULL -> kDiskFull, SQLITE_CONSTRAINT -> kConflict, I/O-ish codes ->
// kIoError, anything else kInternal. `what` names the operation.
Status StatusFromException(const std::string& what, const std::exception& e);

}  // namespace edgepix
