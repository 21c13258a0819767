// The serve command's job store flags: --jobs-url (default: the embedded
// SQLite in --data; postgres://... selects the PostgreSQL store shared by
// several nodes), --lease-seconds, --jobs-recheck-seconds and --node-id
// (PostgreSQL only).
//
// With PostgreSQL, what is still kept only in the SQLite file is refused at
// start, naming the flag: --s3-listen, --s3-notify and --s3-complete-marker
// (the S3 endpoint's object and multipart indexes). Jobs, batches, upload
// grants and the webhook outbox (--webhook, batch callbacks) live in
// PostgreSQL.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/options.h"
#include "common/status.h"
#include "jobs/pg_job_store.h"

namespace edgepix::cli {

std::vector<OptionDef> JobsOptionDefs();

// nullopt for the embedded SQLite; the PostgreSQL store's options otherwise,
// its pool sized from the workers and HTTP threads, its node id defaulting to
// HOSTNAME:PORT (`listen_port`, the port asked for). kBadRequest naming the
// flag for a malformed value or a flag PostgreSQL cannot serve (the S3
// endpoint's).
Result<std::optional<PgJobStoreOptions>> PgJobStoreOptionsFrom(const ParsedOptions& parsed,
                                                               int workers, int http_threads,
                                                               int max_attempts, int listen_port);

// Connections to the job database one node opens: one per worker, a share
// of the HTTP threads (most of them wait on long-polls, which hold none), and
// the heartbeat's.
int PgConnectionsFor(int workers, int http_threads);

}  // namespace edgepix::cli
