#include "integration/ops_process.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <thread>

#include "integration/server_harness.h"

namespace edgepix::testing {

OpsProcess::OpsProcess(std::vector<std::string> extra, const std::function<bool(int)>& ready) {
  port_ = FreeLoopbackPort();
  std::vector<std::string> args = {"--listen", "127.0.0.1:" + std::to_string(port_), "--data",
                                   temp_.Join("data")};
  args.insert(args.end(), extra.begin(), extra.end());
  pid_ = SpawnEdgepixServe(args, temp_.Join("server.log"), port_, ready);
}

OpsProcess::~OpsProcess() {
  if (pid_ > 0) StopServer(pid_, temp_.Join("server.log"));
}

std::string OpsProcess::Log() const {
  FILE* f = std::fopen(temp_.Join("server.log").c_str(), "rb");
  if (!f) return "";
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) out.append(buf, n);
  std::fclose(f);
  return out;
}

int RunShell(const std::string& command) {
  int rc = std::system(command.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

}  // namespace edgepix::testing
