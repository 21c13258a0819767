// `edgepix migrate --from-data DIR [--to-jobs postgres://...] [--to-blobs s3://...]`:
// moves an embedded install (jobs.db + originals and variants on disk) to the
// stores several nodes share, with jobs/migration.h doing the copy and the
// checks. Progress on stderr, a summary on stdout; exit 0 only when every job
// and blob was verified in its target, 1 otherwise, 2 for a usage error.
//
// Webhook deliveries still to send move to PostgreSQL's outbox after the jobs
// (webhooks/pg_outbox.h, Import: rerunnable); batches still to call their
// callback_url move with the batches and call it from there. What the
// PostgreSQL stores keep no tables for (the S3 listener's objects) is refused
// before anything is copied, unless --leave-behind says to leave it in the
// SQLite file; it is then listed as not migrated.
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <memory>
#include <optional>

#include "cli/blob_options.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "jobs/migration.h"
#include "jobs/pg_job_store.h"
#include "jobs/sqlite_leftovers.h"
#include "jobs/sqlite_stores.h"
#include "storage/env.h"
#include "storage/s3_blob_store.h"
#include "webhooks/outbox.h"
#include "webhooks/pg_outbox.h"

namespace edgepix::cli {
namespace {

// Test hook: after this many blobs written the process dies at once (as a
// kill -9 would), so tests can check that a rerun completes.
constexpr const char* kFaultVariable = "EDGEPIX_MIGRATE_FAULT_AFTER_BLOBS";

const char* kMigrateUsage =
    "Usage: edgepix migrate --from-data DIR [--to-jobs postgres://...] [--to-blobs s3://...]\n"
    "\n"
    "Moves an embedded install (the SQLite jobs.db and the originals and variants under\n"
    "--data) to the stores several nodes can share: the jobs, with their event log, to\n"
    "PostgreSQL (--to-jobs) and the originals and variants to an S3-compatible bucket\n"
    "(--to-blobs). Either may be given alone: the other part stays in DIR, and a node\n"
    "then runs with --data DIR plus the one new URL.\n"
    "\n"
    "Stop the node that uses DIR first. Nothing in DIR is deleted. Per job,\n"
    "its blobs are copied and read back first (an original checked against the sha256\n"
    "recorded in its job, each variant byte for byte), and only then the job row is\n"
    "written, unchanged (status, version, times, variants), so a client sees the same\n"
    "job; a job a stopped node left PROCESSING becomes PENDING, as a restart would do.\n"
    "The event log keeps its numbers, so live views resume where they were. At the end\n"
    "the number of jobs verified in the target must equal the number in DIR.\n"
    "\n"
    "The nodes keep using DIR's key files (grant.key, owner.token, guest.code,\n"
    "webhook.secret): run them with --data DIR, or copy those files into their --data.\n"
    "\n"
    "Rerunnable: after an interruption run the same command again; what is already in\n"
    "place and verified is kept, the rest is copied. A job that is already in the\n"
    "target with other contents is reported and left alone.\n"
    "\n"
    "Batches and upload grants (those not expired) move with the jobs, as they are;\n"
    "a batch still to call its callback_url calls it from PostgreSQL when it ends.\n"
    "Webhook deliveries still to send move to PostgreSQL's outbox after the jobs, under\n"
    "their webhook-id, attempts and next attempt time, so a node sends each once more\n"
    "at most (delivered and dead ones are history and stay in DIR). The objects of the\n"
    "S3 listener (--s3-listen) cannot move: when DIR holds any and --to-jobs is given,\n"
    "nothing is copied and the command exits 1 naming them; with --leave-behind they\n"
    "stay in DIR's jobs.db and are listed as not migrated.\n"
    "\n"
    "Progress goes to stderr, a summary to stdout. Exit status: 0 when everything was\n"
    "copied and verified, 1 when anything failed or was refused, 2 for a usage error.";

std::vector<OptionDef> MigrateOptionDefs() {
  return {
      {"from-data", "", "the embedded install's data directory (the node's --data)"},
      {"to-jobs", "", "postgres://... : the PostgreSQL database for the jobs (schema created)"},
      {"to-blobs", "",
       "s3://BUCKET/PREFIX?endpoint=http://HOST:PORT&region=R : the bucket for originals and "
       "variants (credentials: EDGEPIX_S3_ACCESS_KEY / EDGEPIX_S3_SECRET_KEY or "
       "--blobs-credentials-file)"},
      {"blobs-credentials-file", "", "file with one 'ACCESS_KEY SECRET' line for --to-blobs"},
      {"leave-behind", "",
       "go on when DIR holds S3 listener objects: they stay in DIR and are reported as not "
       "migrated",
       false, true},
  };
}

int Fail(const std::string& what) {
  std::fprintf(stderr, "edgepix migrate: %s\n", what.c_str());
  return 1;
}

void Progress(const std::string& line) { std::fprintf(stderr, "migrate: %s\n", line.c_str()); }

std::string LeftoversText(const SqliteLeftovers& l) {
  std::string out;
  auto add = [&](int64_t n, const char* what) {
    if (n == 0) return;
    if (!out.empty()) out += ", ";
    out += std::to_string(n) + " " + what;
  };
  add(l.s3_objects, "S3 listener objects");
  return out;
}

// Copies the pending rows of the SQLite outbox into PostgreSQL's (after the
// jobs, whose events they are); a row already there is counted, not written.
Status MoveWebhookDeliveries(const std::string& db_path, SqliteWriteFn write,
                             const std::string& jobs_url, int64_t* moved, int64_t* present,
                             std::vector<std::string>* problems) {
  std::vector<webhooks::Delivery> pending;
  try {
    webhooks::SqliteOutbox from(db_path, std::move(write));
    EDGEPIX_ASSIGN_OR_RETURN(pending, from.AllPending());
  } catch (const std::exception& e) {
    return Status::Error(ErrorCode::kUnavailable, std::string("reading the outbox: ") + e.what());
  }
  if (pending.empty()) return Status::Ok();
  webhooks::PgOutboxOptions options;
  options.url = jobs_url;
  options.node_id = "edgepix-migrate";
  EDGEPIX_ASSIGN_OR_RETURN(auto to, webhooks::PgOutbox::Open(options));
  for (const webhooks::Delivery& d : pending) {
    auto written = to->Import(d);
    if (!written.ok()) {
      problems->push_back(written.status().message());
    } else if (*written) {
      ++*moved;
    } else {
      ++*present;
    }
  }
  Progress("webhook deliveries still to send: " + std::to_string(*moved) + " moved, " +
           std::to_string(*present) + " already there");
  return Status::Ok();
}

}  // namespace

int RunMigrate(const std::vector<std::string>& args) {
  const auto env = ProcessEnvironment();
  const auto defs = MigrateOptionDefs();
  auto parsed = ParseOptions(defs, args, env);
  if (!parsed.ok()) {
    std::fprintf(stderr, "edgepix migrate: %s\n", parsed.status().message().c_str());
    return 2;
  }
  if (parsed->help()) {
    std::fputs(HelpText(kMigrateUsage, defs).c_str(), stdout);
    return 0;
  }
  const std::string data_dir = parsed->Get("from-data");
  const std::string jobs_url = parsed->Get("to-jobs");
  if (data_dir.empty() || !parsed->positional().empty()) {
    std::fprintf(stderr, "edgepix migrate: --from-data DIR is required (see --help)\n");
    return 2;
  }
  if (!jobs_url.empty() && !IsPostgresUrl(jobs_url)) {
    std::fprintf(stderr, "edgepix migrate: --to-jobs must be a postgres:// URL\n");
    return 2;
  }
  auto blobs_config = BlobsConfigFrom(*parsed, env, "to-blobs");
  if (!blobs_config.ok()) {
    std::fprintf(stderr, "edgepix migrate: %s\n", blobs_config.status().message().c_str());
    return 2;
  }
  if (jobs_url.empty() && !*blobs_config) {
    std::fprintf(stderr, "edgepix migrate: give --to-jobs, --to-blobs or both (see --help)\n");
    return 2;
  }
  const std::string db_path = data_dir + "/jobs.db";
  std::error_code ec;
  if (!std::filesystem::is_regular_file(db_path, ec)) {
    return Fail("no " + db_path + ": --from-data must be an edgepix data directory");
  }

  std::vector<std::string> not_migrated;
  if (!jobs_url.empty()) {
    auto leftovers = CountSqliteLeftovers(db_path);
    if (!leftovers.ok()) return Fail(leftovers.status().message());
    if (leftovers->s3_objects > 0) {
      const std::string what = LeftoversText(*leftovers);
      if (parsed->Get("leave-behind") != "true") {
        return Fail(db_path + " holds " + what +
                    ", which PostgreSQL cannot keep (the S3 endpoint's indexes live only in the "
                    "SQLite file); nothing was copied. "
                    "Run again with --leave-behind to migrate the jobs and blobs and leave "
                    "these in the SQLite file");
      }
      not_migrated.push_back(what);
      Progress("leaving behind in " + db_path + ": " + what);
    }
  }

  auto source = OpenSqliteStores(db_path);
  if (!source.ok()) return Fail("opening " + db_path + ": " + source.status().message());
  auto source_blobs = OpenLocalBlobStore(Env::Default(), data_dir);
  if (!source_blobs.ok()) {
    return Fail("opening the blobs in " + data_dir + ": " + source_blobs.status().message());
  }
  MigrationSource from;
  from.jobs = source->jobs.get();
  from.blobs = source_blobs->get();
  from.batches = source->batches.get();

  PgStores target_db;
  if (!jobs_url.empty()) {
    auto grants = ReadSqliteGrants(db_path, static_cast<int64_t>(std::time(nullptr)));
    if (!grants.ok()) return Fail(grants.status().message());
    from.grants = std::move(*grants);
    PgJobStoreOptions pg;
    pg.url = jobs_url;
    pg.connections = 1;
    pg.node_id = "edgepix-migrate";
    pg.heartbeat = false;  // a migration claims nothing and must reclaim no one's jobs
    auto opened = OpenPgStores(pg);
    if (!opened.ok()) return Fail("opening --to-jobs: " + opened.status().message());
    target_db = std::move(*opened);
  }
  std::unique_ptr<BlobStore> target_blobs;
  if (*blobs_config) {
    auto opened = OpenS3BlobStore(**blobs_config);
    if (!opened.ok()) return Fail("opening --to-blobs: " + opened.status().message());
    target_blobs = std::move(*opened);
  }

  MigrationOptions options;
  options.progress = Progress;
  if (auto fault = env.find(kFaultVariable); fault != env.end()) {
    const long limit = std::atol(fault->second.c_str());
    options.after_blob_written = [limit, written = 0L]() mutable {
      if (++written >= limit) {
        Progress("fault injected after " + std::to_string(written) + " blobs");
        std::_Exit(137);
      }
    };
  }
  MigrationTargets to;
  to.jobs = target_db.jobs.get();
  to.blobs = target_blobs.get();
  to.batches = target_db.batches.get();
  to.grants = target_db.grants.get();
  MigrationReport r = MigrateStores(from, to, options);
  int64_t deliveries_moved = 0, deliveries_present = 0;
  if (!jobs_url.empty()) {
    Status moved = MoveWebhookDeliveries(db_path, source->write, jobs_url, &deliveries_moved,
                                         &deliveries_present, &r.problems);
    if (!moved.ok()) r.problems.push_back("webhook deliveries: " + moved.message());
  }

  std::printf("jobs %lld (imported %lld, already there %lld, verified %lld)\n",
              static_cast<long long>(r.jobs), static_cast<long long>(r.jobs_imported),
              static_cast<long long>(r.jobs_present), static_cast<long long>(r.jobs_verified));
  std::printf("originals copied %lld, already there %lld, verified %lld\n",
              static_cast<long long>(r.originals_copied),
              static_cast<long long>(r.originals_present),
              static_cast<long long>(r.originals_verified));
  std::printf("variants copied %lld, already there %lld, verified %lld\n",
              static_cast<long long>(r.variants_copied), static_cast<long long>(r.variants_present),
              static_cast<long long>(r.variants_verified));
  std::printf("events %lld, batches %lld, upload grants %lld, bytes copied %llu\n",
              static_cast<long long>(r.events), static_cast<long long>(r.batches),
              static_cast<long long>(r.grants), static_cast<unsigned long long>(r.bytes_copied));
  if (!jobs_url.empty()) {
    std::printf("webhook deliveries still to send %lld (moved %lld, already there %lld)\n",
                static_cast<long long>(deliveries_moved + deliveries_present),
                static_cast<long long>(deliveries_moved),
                static_cast<long long>(deliveries_present));
  }
  for (const std::string& what : not_migrated) std::printf("not migrated: %s\n", what.c_str());
  for (const std::string& p : r.problems) std::printf("problem: %s\n", p.c_str());
  std::printf("%s\n", r.verified() ? "verified" : "NOT verified");
  std::fflush(stdout);
  if (!r.verified()) {
    return Fail(std::to_string(r.problems.size()) +
                " problems (see above); fix them and run the same command again");
  }
  Progress("done: every job and blob verified");
  return 0;
}

}  // namespace edgepix::cli
