#include "webhooks/event_body.h"

#include "http/job_json.h"

namespace edgepix::webhooks {

std::string JobEventType(const Job& job) {
  return job.status == JobStatus::kCompleted ? "job.completed" : "job.failed";
}

std::string JobEventBody(const std::string& type, const Job& job, const std::string& timestamp) {
  const http::MediaUrlFn as_is = [](const std::string& path) { return path; };
  nlohmann::json body = {
      {"type", type}, {"timestamp", timestamp}, {"data", http::JobJson(job, as_is)}};
  return body.dump();
}

std::string BatchEventBody(const Batch& batch, const std::string& timestamp) {
  nlohmann::json body = {
      {"type", "batch.completed"}, {"timestamp", timestamp}, {"data", http::BatchJson(batch)}};
  return body.dump();
}

}  // namespace edgepix::webhooks
