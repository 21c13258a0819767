// --jobs-url and the flags that go with it: what selects PostgreSQL, what is
// refused with it (naming the flag), and the pool size.
#include "cli/jobs_options.h"

#include <catch2/catch.hpp>

#include "cli/s3_options.h"
#include "cli/webhook_options.h"

using edgepix::ErrorCode;
using namespace edgepix::cli;

namespace {

std::vector<OptionDef> Defs() {
  std::vector<OptionDef> defs = JobsOptionDefs();
  for (auto& d : WebhookOptionDefs()) defs.push_back(d);
  for (auto& d : S3OptionDefs()) defs.push_back(d);
  return defs;
}

auto From(const std::vector<std::string>& args, std::map<std::string, std::string> env = {}) {
  auto parsed = ParseOptions(Defs(), args, env);
  REQUIRE(parsed.ok());
  return PgJobStoreOptionsFrom(*parsed, 2, 1024, 5, 8080);
}

}  // namespace

TEST_CASE("The job store flag: default SQLite, postgres:// selects PostgreSQL", "[cli][pg]") {
  auto none = From({});
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());

  auto pg = From({"--jobs-url", "postgres://edgepix@db:5432/jobs", "--lease-seconds", "7"});
  REQUIRE(pg.ok());
  REQUIRE(pg->has_value());
  CHECK((*pg)->url == "postgres://edgepix@db:5432/jobs");
  CHECK((*pg)->lease == std::chrono::seconds(7));
  CHECK((*pg)->max_attempts == 5);
  CHECK((*pg)->connections == PgConnectionsFor(2, 1024));
  CHECK((*pg)->node_id.size() > std::string(":8080").size());
  CHECK((*pg)->node_id.substr((*pg)->node_id.size() - 5) == ":8080");

  auto env = From(
      {}, {{"EDGEPIX_JOBS_URL", "postgresql:///jobs?host=/run/pg"}, {"EDGEPIX_NODE_ID", "edge-1"}});
  REQUIRE(env.ok());
  REQUIRE(env->has_value());
  CHECK((*env)->node_id == "edge-1");
}

TEST_CASE("The job store flag: what PostgreSQL cannot serve is refused, naming it", "[cli][pg]") {
  const std::string url = "postgres://db/jobs";
  // The webhook outbox lives in PostgreSQL too.
  auto webhook = From({"--jobs-url", url, "--webhook", "http://127.0.0.1:9/hook"});
  CHECK(webhook.ok());
  // So do the S3 endpoint's indexes, its notifications and prefix batches.
  CHECK(From({"--jobs-url", url, "--s3-listen", "127.0.0.1:9000"}).ok());
  CHECK(From({"--jobs-url", url, "--s3-notify", "http://127.0.0.1:9/s3"}).ok());
  CHECK(From({"--jobs-url", url, "--s3-complete-marker", "_DONE"}).ok());
  auto scheme = From({"--jobs-url", "mysql://db/jobs"});
  REQUIRE_FALSE(scheme.ok());
  CHECK(scheme.status().message().find("--jobs-url") != std::string::npos);
  auto lease = From({"--lease-seconds", "5"});
  REQUIRE_FALSE(lease.ok());
  CHECK(lease.status().message().find("--lease-seconds") != std::string::npos);
  CHECK_FALSE(From({"--jobs-url", url, "--lease-seconds", "0"}).ok());
}

TEST_CASE("The PostgreSQL pool: a connection per worker and a share of the HTTP threads",
          "[cli][pg]") {
  CHECK(PgConnectionsFor(2, 1024) == 2 + 32);
  CHECK(PgConnectionsFor(1, 4) == 1 + 4);
  CHECK(PgConnectionsFor(0, 64) == 4);
  CHECK(PgConnectionsFor(8, 100000) == 8 + 32);
}
