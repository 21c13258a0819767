// Skipped tests for Catch2 2.13 (Debian's), which has no skip macro.
//
// A test whose precondition is missing (no TCP_INFO under qemu-user, no
// `openssl` CLI, ...) calls EDGEPIX_SKIP("why"), which records the skip and
// returns from the test case. tests/unit/catch_main.cpp then exits with
// kSkipReturnCode when every test case that ran was skipped and none failed;
// ctest registers that code as SKIP_RETURN_CODE, so the run's closing line counts
// the test as skipped instead of passed. A failure recorded before or after the
// skip still fails the test.
//
// Thread-safety: call from the thread running the test case (Catch2 rule).
#pragma once

#include <string>

namespace edgepix::testing {

// ctest's SKIP_RETURN_CODE (tests/CMakeLists.txt uses the same number).
inline constexpr int kSkipReturnCode = 77;

// Records that the running test case checked nothing because `why`; prints it.
void Skip(const std::string& why);

// True once an assertion of the running test case has failed (for harnesses
// that keep logs as artifacts when anything went wrong).
bool CurrentTestFailed();

// The running test case's name ("" outside one).
std::string CurrentTestName();

}  // namespace edgepix::testing

// Use in the body of a TEST_CASE (it returns from it).
#define EDGEPIX_SKIP(why)                 \
  do {                                    \
    ::edgepix::testing::Skip(why);        \
    return;                               \
  } while (false)
