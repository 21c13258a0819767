// Job state machine and timestamps.
#include "jobs/job.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <regex>

using edgepix::IsAllowedTransition;
using edgepix::IsTerminal;
using edgepix::Job;
using edgepix::JobStatus;
using edgepix::JobStatusName;
using edgepix::ParseJobStatus;

TEST_CASE("Job status names round trip", "[job]") {
  for (JobStatus s :
       {JobStatus::kPending, JobStatus::kProcessing, JobStatus::kCompleted, JobStatus::kFailed}) {
    CHECK(ParseJobStatus(JobStatusName(s)) == s);
  }
  CHECK(std::string(JobStatusName(JobStatus::kPending)) == "PENDING");
  CHECK(std::string(JobStatusName(JobStatus::kProcessing)) == "PROCESSING");
  CHECK(std::string(JobStatusName(JobStatus::kCompleted)) == "COMPLETED");
  CHECK(std::string(JobStatusName(JobStatus::kFailed)) == "FAILED");
  CHECK_FALSE(ParseJobStatus("pending"));
  CHECK_FALSE(ParseJobStatus(""));
  CHECK_FALSE(ParseJobStatus("DONE"));
}

TEST_CASE("The state machine allows exactly its transitions", "[job]") {
  using S = JobStatus;
  const S all[] = {S::kPending, S::kProcessing, S::kCompleted, S::kFailed};
  // allowed[from][to]
  const bool allowed[4][4] = {
      /* PENDING    */ {false, true, false, true},
      /* PROCESSING */ {true, false, true, true},
      /* COMPLETED  */ {false, false, false, false},
      /* FAILED     */ {false, false, false, false},
  };
  for (int f = 0; f < 4; ++f) {
    for (int t = 0; t < 4; ++t) {
      INFO(JobStatusName(all[f]) << " -> " << JobStatusName(all[t]));
      CHECK(IsAllowedTransition(all[f], all[t]) == allowed[f][t]);
    }
  }
  CHECK_FALSE(IsTerminal(S::kPending));
  CHECK_FALSE(IsTerminal(S::kProcessing));
  CHECK(IsTerminal(S::kCompleted));
  CHECK(IsTerminal(S::kFailed));
}

TEST_CASE("NowIso8601 is UTC with milliseconds", "[job]") {
  const std::string now = edgepix::NowIso8601();
  CHECK(std::regex_match(now, std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)")));
  CHECK(now.substr(0, 2) == "20");
}
