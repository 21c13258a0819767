#include <cstdio>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "image/malloc_tuning.h"

#ifndef EDGEPIX_VERSION
#define EDGEPIX_VERSION "0.0.0"
#endif

namespace edgepix::cli {
namespace {

const char* kUsage =
    "edgepix " EDGEPIX_VERSION
    " - an image-upload pipeline in one binary: uploads, a durable job queue,\n"
    "WebP variants, live job status and cache-friendly serving, offline.\n"
    "\n"
    "Usage:\n"
    "  edgepix serve   [--listen 127.0.0.1:8080] [--data ./edgepix-data] [--workers N] ...\n"
    "  edgepix process --out DIR [--workers N] FILE|DIR...   the pipeline without a server\n"
    "  edgepix migrate --from-data DIR --to-jobs postgres://... --to-blobs s3://...\n"
    "                  moves an embedded install to PostgreSQL and S3, verified\n"
    "  edgepix webhook-secret --data DIR   prints the secret webhooks are signed with\n"
    "  edgepix version\n"
    "\n"
    "Run 'edgepix serve --help', 'edgepix process --help' or 'edgepix migrate --help' for every\n"
    "option.\n";

}  // namespace

int Main(int argc, char** argv) {
  image::LimitMallocArenas();
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
    std::fputs(kUsage, args.empty() ? stderr : stdout);
    return args.empty() ? 2 : 0;
  }
  std::string command = args[0];
  args.erase(args.begin());
  if (command == "serve") return RunServe(args);
  if (command == "process") return RunProcess(args);
  if (command == "migrate") return RunMigrate(args);
  if (command == "webhook-secret") return RunWebhookSecret(args);
  if (command == "version" || command == "--version") {
    std::printf("edgepix %s\n", EDGEPIX_VERSION);
    return 0;
  }
  std::fprintf(stderr, "edgepix: unknown command '%s'\n\n%s", command.c_str(), kUsage);
  return 2;
}

}  // namespace edgepix::cli
