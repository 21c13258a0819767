// The Catch2 main of every test binary, with skip support (see unit/support/skip.h):
// exits kSkipReturnCode when each test case that ran was skipped and nothing failed.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <cstdio>
#include <set>
#include <string>

#include "unit/support/skip.h"

namespace edgepix::testing {
namespace {

struct RunState {
  std::string current;
  bool current_failed = false;
  std::set<std::string> ran;
  std::set<std::string> skipped;
};

RunState& State() {
  static RunState state;
  return state;
}

// Follows test cases and failed assertions for Skip() and CurrentTestFailed().
struct SkipListener : Catch::TestEventListenerBase {
  using TestEventListenerBase::TestEventListenerBase;
  void testCaseStarting(const Catch::TestCaseInfo& info) override {
    State().current = info.name;
    State().current_failed = false;
    State().ran.insert(info.name);
  }
  void assertionStarting(const Catch::AssertionInfo&) override {}
  bool assertionEnded(const Catch::AssertionStats& stats) override {
    if (!stats.assertionResult.isOk()) State().current_failed = true;
    return true;
  }
  void testCaseEnded(const Catch::TestCaseStats& stats) override {
    if (stats.totals.assertions.failed > 0) State().current_failed = true;
    State().current.clear();
  }
};
CATCH_REGISTER_LISTENER(SkipListener)

}  // namespace

void Skip(const std::string& why) {
  State().skipped.insert(State().current);
  std::printf("SKIPPED: %s: %s\n", State().current.c_str(), why.c_str());
  std::fflush(stdout);
  WARN("SKIPPED: " << why);
}

bool CurrentTestFailed() { return State().current_failed; }

std::string CurrentTestName() { return State().current; }

}  // namespace edgepix::testing

int main(int argc, char* argv[]) {
  const int rc = Catch::Session().run(argc, argv);
  const auto& s = edgepix::testing::State();
  if (rc != 0 || s.skipped.empty()) return rc;
  if (s.skipped.size() == s.ran.size()) return edgepix::testing::kSkipReturnCode;
  // Run with others (not through ctest): say so, but the others did run.
  std::printf("%zu of %zu test cases skipped (see SKIPPED: lines)\n", s.skipped.size(),
              s.ran.size());
  return rc;
}
