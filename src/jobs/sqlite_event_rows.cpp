#include "jobs/sqlite_event_rows.h"

#include "jobs/job.h"

namespace edgepix {

void AppendJobEvent(SQLite::Database& writer, JobEventKind kind, const std::string& job_id) {
  SQLite::Statement st(writer,
                       "INSERT INTO job_events (kind, job_id, created_at) VALUES (?1, ?2, ?3)");
  st.bind(1, JobEventKindName(kind));
  st.bind(2, job_id);
  st.bind(3, NowIso8601());
  st.exec();
}

std::vector<JobEvent> SelectEventsAfter(SQLite::Database& db, int64_t after, int limit) {
  SQLite::Statement st(db,
                       "SELECT seq, kind, job_id, created_at FROM job_events WHERE seq > ?1 "
                       "ORDER BY seq LIMIT ?2");
  st.bind(1, after);
  st.bind(2, limit);
  std::vector<JobEvent> out;
  while (st.executeStep()) {
    JobEvent e;
    e.seq = st.getColumn(0).getInt64();
    e.kind = ParseJobEventKind(st.getColumn(1).getString()).value_or(JobEventKind::kCompleted);
    e.job_id = st.getColumn(2).getString();
    e.created_at = st.getColumn(3).getString();
    out.push_back(std::move(e));
  }
  return out;
}

int64_t SelectLastEventSeq(SQLite::Database& db) {
  // AUTOINCREMENT keeps the highest seq ever used in sqlite_sequence, also
  // after the rows are gone.
  SQLite::Statement st(db, "SELECT seq FROM sqlite_sequence WHERE name = 'job_events'");
  return st.executeStep() ? st.getColumn(0).getInt64() : 0;
}

}  // namespace edgepix
