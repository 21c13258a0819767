// The edgepix commands: serve, process, migrate, webhook-secret, version. Main() dispatches on
// argv[1] and returns the process exit code (0 ok, 1 failure, 2 usage error).
#pragma once

#include <string>
#include <vector>

namespace edgepix::cli {

int Main(int argc, char** argv);
int RunServe(const std::vector<std::string>& args);
int RunProcess(const std::vector<std::string>& args);
// `edgepix migrate --from-data DIR --to-jobs postgres://... --to-blobs s3://...`:
// moves an embedded install to PostgreSQL and/or S3 and verifies it.
int RunMigrate(const std::vector<std::string>& args);
// `edgepix webhook-secret --data DIR`: prints the data dir's webhook secret
// (creating it as serve would).
int RunWebhookSecret(const std::vector<std::string>& args);

}  // namespace edgepix::cli
