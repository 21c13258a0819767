#include "webhooks/s3_event_body.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

namespace edgepix::webhooks {

std::string S3EventKeyEncode(std::string_view key) {
  static const char* const kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : key) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~' || c == '/') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string S3EventBody(const S3ObjectEvent& e) {
  const bool created = e.event_name.starts_with("ObjectCreated");
  nlohmann::json object = {{"key", S3EventKeyEncode(e.key)}};
  if (created) {
    std::string etag = e.etag;
    if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
      etag = etag.substr(1, etag.size() - 2);
    }
    object["size"] = e.size;
    object["eTag"] = etag;
  }
  object["sequencer"] = e.sequencer;
  nlohmann::json record = {
      {"eventVersion", "2.1"},
      {"eventSource", "aws:s3"},
      {"awsRegion", e.region},
      {"eventTime", e.event_time},
      {"eventName", e.event_name},
      {"userIdentity", {{"principalId", "edgepix"}}},
      {"requestParameters", {{"sourceIPAddress", "127.0.0.1"}}},
      {"responseElements", nlohmann::json::object()},
      {"s3",
       {{"s3SchemaVersion", "1.0"},
        {"configurationId", "edgepix-s3-notify"},
        {"bucket",
         {{"name", e.bucket},
          {"ownerIdentity", {{"principalId", "edgepix"}}},
          {"arn", "arn:aws:s3:::" + e.bucket}}},
        {"object", object}}},
  };
  return nlohmann::json{{"Records", nlohmann::json::array({record})}}.dump();
}

std::string NextS3Sequencer() {
  static std::atomic<uint64_t> last{0};
  const uint64_t now =
      static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count());
  uint64_t prev = last.load();
  uint64_t next;
  do {
    next = now > prev ? now : prev + 1;
  } while (!last.compare_exchange_weak(prev, next));
  char buf[24];
  std::snprintf(buf, sizeof buf, "%018llX", static_cast<unsigned long long>(next));
  return buf;
}

std::string S3EventTimeNow() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t secs = std::chrono::system_clock::to_time_t(now);
  const int ms = static_cast<int>(
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, ms);
  return out;
}

}  // namespace edgepix::webhooks
