// `edgepix migrate` end to end, with real parts: an embedded install made by
// the real binary (corpus photos uploaded, one FAILED and several COMPLETED
// jobs), migrated to a private PostgreSQL (PgCluster) and Ceph's RGW
// (CephRgw), first interrupted by a fault that kills the process mid-copy
// (as kill -9 would), then rerun to completion and once more (nothing left
// to copy); then a node on --jobs-url/--blobs-url with an empty --data serves
// every old job, original and variant byte for byte. A second case moves
// only the jobs, with the webhook deliveries still to send (into
// PostgreSQL's outbox, once). SKIPPED when PostgreSQL or Ceph is not
// installed.
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "integration/ceph_rgw.h"
#include "integration/server_harness.h"
#include "storage/s3_client.h"
#include "unit/support/pg_cluster.h"

using namespace edgepix::testing;

namespace {

const std::string kPhotos = std::string(EDGEPIX_SOURCE_DIR) + "/../shared/corpus/photos/";

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char ch : s) out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return out + "'";
}

struct Run {
  int exit_code = -1;
  std::string out, err;
};

// Runs `edgepix migrate ARGS` with `env` (NAME=VALUE words) set.
Run Migrate(const std::vector<std::string>& args, const std::string& env, const TempDir& tmp) {
  std::string cmd = env + " " + EdgepixShellCommand() + " migrate";
  for (const auto& a : args) cmd += " " + Quote(a);
  cmd += " >" + Quote(tmp.Join("migrate.out")) + " 2>" + Quote(tmp.Join("migrate.err"));
  const int status = std::system(cmd.c_str());
  Run r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = ReadFileOrDie(tmp.Join("migrate.out"));
  r.err = ReadFileOrDie(tmp.Join("migrate.err"));
  CHECK(SanitizerReport(r.err).empty());
  return r;
}

struct Snapshot {
  nlohmann::json job;
  std::string original;
  std::map<std::string, std::string> variants;  // url -> bytes
};

// What a client sees of each job: its JSON, its original and its variants.
std::map<std::string, Snapshot> Observe(ServerProcess& node, const std::vector<std::string>& ids) {
  auto c = node.Client();
  std::map<std::string, Snapshot> out;
  for (const std::string& id : ids) {
    Snapshot s;
    auto r = c.Get("/api/jobs/" + id);
    REQUIRE(r);
    REQUIRE(r->status == 200);
    s.job = JsonBody(r);
    auto o = c.Get("/o/" + id);
    REQUIRE(o);
    REQUIRE(o->status == 200);
    s.original = o->body;
    for (const auto& v : s.job["variants"]) {
      auto got = c.Get(v["url"].get<std::string>());
      REQUIRE(got);
      REQUIRE(got->status == 200);
      s.variants[v["url"]] = got->body;
    }
    out[id] = std::move(s);
  }
  return out;
}

struct Install {
  std::vector<std::string> ids;  // oldest first
  std::map<std::string, Snapshot> seen;
  std::string batch_id;   // the batch the upload joined
  nlohmann::json batch;   // GET /api/batches/{id} of it
  std::string grant_url;  // an upload grant not used yet
};

// An embedded install made by the real binary under `data`: three corpus
// photos (COMPLETED) and one cut short (FAILED), uploaded as one batch, and
// an upload grant not used yet.
Install MakeInstall(const std::string& data, std::vector<std::string> args = {}) {
  args.insert(args.end(), {"--workers", "1"});
  ServerProcess node(args, data);
  auto c = node.Client();
  auto made = c.Post("/api/batches", "{}", "application/json");
  REQUIRE(made);
  REQUIRE(made->status == 201);
  const std::string batch_id = JsonBody(made)["batch"]["id"];
  const std::string grey = ReadFileOrDie(kPhotos + "plasma_Grey_2560x1600.jpg");
  httplib::MultipartFormDataItems items = {
      {"file", ReadFileOrDie(kPhotos + "33-type_error.jpg"), "type_error.jpg", "image/jpeg"},
      {"file", grey, "grey.jpg", "image/jpeg"},
      {"file", grey.substr(0, grey.size() / 5), "cut.jpg", "image/jpeg"},
      {"file", ReadFileOrDie(kPhotos + "28-hex_value.jpg"), "hex.jpg", "image/jpeg"}};
  auto up = c.Post("/api/uploads?batch=" + batch_id, items);
  REQUIRE(up);
  INFO(up->body);
  REQUIRE(up->status == 202);
  Install out;
  out.batch_id = batch_id;
  std::map<std::string, int> statuses;
  const nlohmann::json accepted = JsonBody(up);
  for (const auto& j : accepted["jobs"]) {
    out.ids.push_back(j["id"]);
    statuses[WaitForTerminal(c, j["id"])["status"].get<std::string>()] += 1;
  }
  REQUIRE(statuses["COMPLETED"] == 3);
  REQUIRE(statuses["FAILED"] == 1);
  out.seen = Observe(node, out.ids);
  auto closed = c.Post("/api/batches/" + batch_id + "/complete", "", "application/json");
  REQUIRE(closed);
  REQUIRE(closed->status == 200);
  auto batch = c.Get("/api/batches/" + batch_id);
  REQUIRE(batch);
  out.batch = JsonBody(batch);
  auto grant = c.Post("/api/upload-grants", R"({"count":1})", "application/json");
  REQUIRE(grant);
  INFO(grant->body);
  REQUIRE(grant->status == 201);
  out.grant_url = JsonBody(grant)["grants"][0]["url"];
  REQUIRE(node.Stop());
  return out;
}

// Removes what the embedded node kept its jobs and blobs in, so a node that
// still read them would fail; the key files (grant.key, owner.token...) stay.
void RemoveEmbeddedStores(const std::string& data) {
  for (const char* name : {"jobs.db", "jobs.db-wal", "jobs.db-shm", "originals", "variants"}) {
    std::filesystem::remove_all(data + "/" + name);
  }
}

// The same job as before apart from what a new node legitimately changes:
// nothing, today (URLs are relative; the job row is copied as it is).
void CheckSame(const std::map<std::string, Snapshot>& before,
               const std::map<std::string, Snapshot>& after) {
  REQUIRE(after.size() == before.size());
  for (const auto& [id, b] : before) {
    const Snapshot& a = after.at(id);
    INFO("job " << id);
    CHECK(a.job == b.job);
    CHECK(a.original == b.original);
    CHECK(a.variants == b.variants);
  }
}

}  // namespace

TEST_CASE("migrate moves an embedded install to PostgreSQL and Ceph RGW, rerunnable after a crash",
          "[migrate][pg][s3]") {
  if (const std::string why = PgCluster::Unavailable(); !why.empty()) EDGEPIX_SKIP(why);
  EDGEPIX_REQUIRE_CEPH_RGW(rgw);
  PgCluster pg;
  const std::string jobs_url = pg.CreateDatabase();
  const std::string database = "edgepix_test_1";
  auto made = CreateRgwBucket(rgw, "edgepix-migrate-");
  INFO(made.status().ToString());
  REQUIRE(made.ok());
  const edgepix::S3BlobConfig config = *made;
  edgepix::s3client::S3Client s3(config);
  const std::string blobs_url =
      "s3://" + config.bucket + "/moved?endpoint=" + rgw.endpoint() + "&region=" + rgw.region();

  TempDir tmp;
  const std::string data = tmp.Join("data");
  const Install install = MakeInstall(data);
  const std::vector<std::string>& ids = install.ids;

  const std::string keys = "EDGEPIX_S3_ACCESS_KEY=" + Quote(rgw.access_key()) +
                           " EDGEPIX_S3_SECRET_KEY=" + Quote(rgw.secret_key());
  const std::vector<std::string> args = {"--from-data", data,         "--to-jobs",
                                         jobs_url,      "--to-blobs", blobs_url};

  // Killed after the 5th blob: the oldest job (original + 3 variants) is in
  // place and imported; the second's original is written, its row is not.
  Run crashed = Migrate(args, keys + " EDGEPIX_MIGRATE_FAULT_AFTER_BLOBS=5", tmp);
  INFO(crashed.err);
  REQUIRE(crashed.exit_code == 137);
  CHECK(pg.Query("SELECT string_agg(id, ',') FROM jobs", database) == ids[0]);

  Run resumed = Migrate(args, keys, tmp);
  INFO(resumed.out << resumed.err);
  REQUIRE(resumed.exit_code == 0);
  CHECK(resumed.out.find("jobs 4 (imported 3, already there 1, verified 4)") != std::string::npos);
  // The second job's original was written before the crash: kept, not copied again.
  CHECK(resumed.out.find("originals copied 2, already there 2, verified 4") != std::string::npos);
  CHECK(resumed.out.find("variants copied 6, already there 3, verified 9") != std::string::npos);
  CHECK(resumed.out.find("events 4, batches 1, upload grants 1,") != std::string::npos);
  CHECK(resumed.out.find("\nverified\n") != std::string::npos);
  CHECK(resumed.err.find("migrate: job 4/4 ") != std::string::npos);  // progress on stderr

  // Once more: nothing left to copy, everything verified again.
  Run again = Migrate(args, keys, tmp);
  INFO(again.out << again.err);
  REQUIRE(again.exit_code == 0);
  CHECK(again.out.find("jobs 4 (imported 0, already there 4, verified 4)") != std::string::npos);
  CHECK(again.out.find("originals copied 0, already there 4") != std::string::npos);
  CHECK(again.out.find("variants copied 0, already there 9") != std::string::npos);
  CHECK(again.out.find("bytes copied 0") != std::string::npos);
  // The event log kept its numbers (a live view resumes from its last seq),
  // and new events continue after them.
  CHECK(pg.Query("SELECT string_agg(seq || ':' || job_id, ',' ORDER BY seq) FROM job_events",
                 database) == "1:" + ids[0] + ",2:" + ids[1] + ",3:" + ids[2] + ",4:" + ids[3]);
  CHECK(pg.Query("SELECT last_value FROM job_events_seq_seq", database) == "4");

  // A node on the new stores, with the old --data's key files but without its
  // database and blob folders, serves everything as before.
  RemoveEmbeddedStores(data);
  TempDir secrets;
  WriteFileOrDie(secrets.Join("blobs.keys"), rgw.access_key() + " " + rgw.secret_key() + "\n");
  ServerProcess node({"--jobs-url", jobs_url, "--blobs-url", blobs_url, "--blobs-credentials-file",
                      secrets.Join("blobs.keys"), "--workers", "1"},
                     data);
  CheckSame(install.seen, Observe(node, ids));
  auto c = node.Client();
  auto batch = c.Get("/api/batches/" + install.batch_id);
  REQUIRE(batch);
  CHECK(JsonBody(batch) == install.batch);
  // The grant not used before works now, once.
  auto via_grant = c.Post(install.grant_url + "&filename=g.jpg",
                          ReadFileOrDie(kPhotos + "28-hex_value.jpg"), "application/octet-stream");
  REQUIRE(via_grant);
  INFO(via_grant->body);
  CHECK(via_grant->status == 202);
  CHECK(node.Stop());
  CHECK_FALSE(std::filesystem::exists(data + "/originals"));
}

TEST_CASE("migrate to PostgreSQL alone moves the jobs, the blobs stay in the data dir",
          "[migrate][pg]") {
  if (const std::string why = PgCluster::Unavailable(); !why.empty()) EDGEPIX_SKIP(why);
  PgCluster pg;
  const std::string jobs_url = pg.CreateDatabase();
  const std::string database = "edgepix_test_1";
  TempDir tmp;
  const std::string data = tmp.Join("data");
  // Webhooks to a port nobody listens on: their deliveries stay in the outbox.
  const Install install = MakeInstall(data, {"--webhook", "http://127.0.0.1:9/hook"});

  // Without a target: a usage error, nothing done.
  Run nothing = Migrate({"--from-data", data}, "", tmp);
  CHECK(nothing.exit_code == 2);
  CHECK(nothing.err.find("--to-jobs, --to-blobs or both") != std::string::npos);

  // Deliveries still to send move to PostgreSQL's outbox (nothing refused,
  // nothing left behind), under their webhook-ids, once on a rerun.
  Run moved = Migrate({"--from-data", data, "--to-jobs", jobs_url}, "", tmp);
  INFO(moved.out << moved.err);
  REQUIRE(moved.exit_code == 0);
  CHECK(moved.out.find("not migrated: ") == std::string::npos);
  CHECK(moved.out.find("jobs 4 (imported 4, already there 0, verified 4)") != std::string::npos);
  CHECK(moved.out.find("originals copied 0, already there 0, verified 4") != std::string::npos);
  const std::string pending = pg.Query(
      "SELECT count(*) FROM webhook_outbox WHERE status = 'pending' AND claimed_by = ''", database);
  CHECK(std::stoi(pending) >= 4);  // at least each job's event to --webhook
  CHECK(moved.out.find("webhook deliveries still to send " + pending + " (moved " + pending +
                       ", already there 0)") != std::string::npos);
  // Every job's event, and its batch's (the batch ended), to --webhook.
  CHECK(pg.Query("SELECT count(DISTINCT subject_id) FROM webhook_outbox WHERE endpoint = "
                 "'http://127.0.0.1:9/hook' AND type LIKE 'job.%'",
                 database) == "4");
  CHECK(pg.Query("SELECT count(*) FROM webhook_outbox WHERE type = 'batch.completed' AND "
                 "subject_id = '" +
                     install.batch_id + "'",
                 database) == "1");
  CHECK(pg.Query("SELECT count(*) FROM webhook_outbox WHERE id NOT LIKE 'msg_%'", database) == "0");
  Run again = Migrate({"--from-data", data, "--to-jobs", jobs_url}, "", tmp);
  INFO(again.out << again.err);
  REQUIRE(again.exit_code == 0);
  CHECK(again.out.find("webhook deliveries still to send " + pending + " (moved 0, already there " +
                       pending + ")") != std::string::npos);
  CHECK(pg.Query("SELECT count(*) FROM webhook_outbox", database) == pending);

  {
    ServerProcess node({"--jobs-url", jobs_url, "--workers", "1"}, data);
    CheckSame(install.seen, Observe(node, install.ids));
    CHECK(node.Stop());
  }

  // What the checks catch on a rerun: a job row changed in the target (left
  // alone, reported), an original on disk that no longer matches its sha256.
  const std::string& changed = install.ids[1];
  pg.Exec("UPDATE jobs SET version = version + 10 WHERE id = '" + changed + "'", database);
  const std::string& damaged = install.ids[3];
  const std::string original = data + "/originals/" + damaged.substr(0, 2) + "/" + damaged;
  std::string bytes = ReadFileOrDie(original);
  bytes[bytes.size() / 2] ^= 0x01;
  WriteFileOrDie(original, bytes);
  Run checked = Migrate({"--from-data", data, "--to-jobs", jobs_url, "--leave-behind"}, "", tmp);
  INFO(checked.out << checked.err);
  CHECK(checked.exit_code == 1);
  CHECK(checked.out.find("problem: job " + changed + " is already in the target with other") !=
        std::string::npos);
  CHECK(checked.out.find("problem: original of " + damaged +
                         " does not match its recorded sha256") != std::string::npos);
  CHECK(checked.out.find("jobs 4 (imported 0, already there 2, verified 2)") != std::string::npos);
  CHECK(checked.out.find("NOT verified") != std::string::npos);
}
