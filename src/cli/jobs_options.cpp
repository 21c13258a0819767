#include "cli/jobs_options.h"

#include <unistd.h>

#include <algorithm>

namespace edgepix::cli {

std::vector<OptionDef> JobsOptionDefs() {
  return {
      {"jobs-url", "the SQLite file in --data",
       "job database: postgres://USER@HOST:PORT/DB (libpq URI) to share one PostgreSQL between "
       "several nodes (a password in it shows in ps: prefer this variable, or PGPASSWORD / "
       "~/.pgpass, which libpq reads)"},
      {"lease-seconds", "30",
       "with PostgreSQL: how long a node's claim on a job lasts without a heartbeat; another "
       "node takes over the job of a node that stopped after this long"},
      {"jobs-recheck-seconds", "5",
       "with PostgreSQL: how often long-polls and streams read the database again when no "
       "change notification came (one may be lost while the database reconnects)"},
      {"node-id", "HOSTNAME:PORT",
       "with PostgreSQL: this node's name in job leases; unique per node, the same across its "
       "restarts"},
  };
}

int PgConnectionsFor(int workers, int http_threads) {
  return workers + std::clamp(http_threads / 32, 4, 32);
}

Result<std::optional<PgJobStoreOptions>> PgJobStoreOptionsFrom(const ParsedOptions& parsed,
                                                               int workers, int http_threads,
                                                               int max_attempts, int listen_port) {
  const std::string url = parsed.Has("jobs-url") ? parsed.Get("jobs-url") : "";
  if (url.empty()) {
    for (const char* flag : {"lease-seconds", "node-id", "jobs-recheck-seconds"}) {
      if (parsed.Has(flag)) {
        return Status::Error(ErrorCode::kBadRequest,
                             std::string("--") + flag + " needs --jobs-url postgres://...");
      }
    }
    return std::optional<PgJobStoreOptions>();
  }
  if (!IsPostgresUrl(url)) {
    return Status::Error(ErrorCode::kBadRequest,
                         "--jobs-url must be postgres://... or postgresql://... (or left out for "
                         "the SQLite file in --data)");
  }
  // --s3-listen, --s3-notify and --s3-complete-marker work on PostgreSQL too
  // (s3/pg_indexes.h: the S3 indexes, the outbox, a lock per prefix).
  EDGEPIX_ASSIGN_OR_RETURN(auto lease, parsed.GetInt("lease-seconds", 1, 86400));
  EDGEPIX_ASSIGN_OR_RETURN(auto recheck, parsed.GetInt("jobs-recheck-seconds", 1, 86400));
  PgJobStoreOptions options;
  options.url = url;
  options.recheck = std::chrono::seconds(recheck);
  options.lease = std::chrono::seconds(lease);
  options.connections = PgConnectionsFor(workers, http_threads);
  options.max_attempts = max_attempts;
  if (parsed.Has("node-id") && !parsed.Get("node-id").empty()) {
    options.node_id = parsed.Get("node-id");
  } else {
    char host[256] = {};
    gethostname(host, sizeof(host) - 1);
    // Port 0 (any free port) says nothing: the process id tells nodes apart.
    options.node_id =
        std::string(host) + ":" +
        (listen_port != 0 ? std::to_string(listen_port) : "pid" + std::to_string(getpid()));
  }
  return std::optional<PgJobStoreOptions>(options);
}

}  // namespace edgepix::cli
