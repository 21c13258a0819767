// Job state machine, timestamps and the JSON shape of a job.
#include "jobs/job.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <regex>

using edgepix::IsAllowedTransition;
using edgepix::IsTerminal;
using edgepix::Job;
using edgepix::JobStatus;
using edgepix::JobStatusName;
using edgepix::JobToJson;
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

TEST_CASE("JobToJson has the documented shape", "[job][json]") {
  Job job;
  job.id = "AbCdEfGh12345678";
  job.status = JobStatus::kCompleted;
  job.version = 4;
  job.filename = "IMG_0042.jpg";
  job.created_at = "2026-11-25T02:37:09.123Z";
  job.updated_at = "2026-11-25T02:37:10.456Z";
  job.original = {3145728, "jpeg", 4032, 3024, std::string(64, 'a')};
  job.metadata = {{"orientation", 6}, {"camera", {{"make", "Canon"}, {"model", "R5"}}}};
  job.variants = {{"thumb", 150, 150, 7900}, {"medium", 640, 480, 30000}};

  const nlohmann::json j = JobToJson(job);
  std::vector<std::string> keys;
  for (auto& [k, v] : j.items()) keys.push_back(k);
  std::sort(keys.begin(), keys.end());
  CHECK(keys == std::vector<std::string>{"batch", "created_at", "error", "filename", "id",
                                         "metadata", "original", "status", "updated_at", "variants",
                                         "version"});
  CHECK(j["id"] == job.id);
  CHECK(j["status"] == "COMPLETED");
  CHECK(j["version"] == 4);
  CHECK(j["filename"] == "IMG_0042.jpg");
  CHECK(j["created_at"] == job.created_at);
  CHECK(j["updated_at"] == job.updated_at);
  CHECK(j["original"] == nlohmann::json{{"url", "/o/AbCdEfGh12345678"},
                                        {"bytes", 3145728},
                                        {"format", "jpeg"},
                                        {"width", 4032},
                                        {"height", 3024},
                                        {"sha256", std::string(64, 'a')}});
  CHECK(j["metadata"] == job.metadata);
  REQUIRE(j["variants"].size() == 2);
  CHECK(j["variants"][0] == nlohmann::json{{"name", "thumb"},
                                           {"url", "/v/AbCdEfGh12345678/thumb.webp"},
                                           {"width", 150},
                                           {"height", 150},
                                           {"bytes", 7900}});
  CHECK(j["variants"][1]["url"] == "/v/AbCdEfGh12345678/medium.webp");
  CHECK(j["error"].is_null());
}

TEST_CASE("JobToJson of a pending and of a failed job", "[job][json]") {
  Job job;
  job.id = "pending00001";
  job.original.bytes = 10;
  job.original.sha256 = "ff";
  job.metadata = nullptr;  // never emitted as null

  nlohmann::json j = JobToJson(job);
  CHECK(j["status"] == "PENDING");
  CHECK(j["version"] == 1);
  CHECK(j["original"]["bytes"] == 10);
  CHECK(j["original"]["format"].is_null());
  CHECK(j["original"]["width"].is_null());
  CHECK(j["original"]["height"].is_null());
  CHECK(j["metadata"] == nlohmann::json::object());
  CHECK(j["variants"] == nlohmann::json::array());
  CHECK(j["error"].is_null());

  // The header probe of the upload may already know these while PENDING.
  job.original.format = "png";
  job.original.width = 800;
  job.original.height = 600;
  j = JobToJson(job);
  CHECK(j["original"]["format"] == "png");
  CHECK(j["original"]["width"] == 800);
  CHECK(j["original"]["height"] == 600);

  job.status = JobStatus::kFailed;
  job.error = edgepix::JobError{"undecodable", "truncated JPEG"};
  j = JobToJson(job);
  CHECK(j["status"] == "FAILED");
  CHECK(j["error"] == nlohmann::json{{"code", "undecodable"}, {"message", "truncated JPEG"}});
}
