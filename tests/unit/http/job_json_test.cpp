// The API's JSON shape of a job, rendered in http/ from the typed record.
#include "http/job_json.h"

#include <algorithm>
#include <catch2/catch.hpp>

using edgepix::Job;
using edgepix::JobStatus;
using edgepix::http::JobJson;
using edgepix::http::MediaUrlFn;

namespace {

const MediaUrlFn kPlain = [](const std::string& path) { return path; };

}  // namespace

TEST_CASE("JobJson has the documented shape", "[job][json]") {
  Job job;
  job.id = "AbCdEfGh12345678";
  job.status = JobStatus::kCompleted;
  job.version = 4;
  job.filename = "IMG_0042.jpg";
  job.created_at = "2026-11-25T02:37:09.123Z";
  job.updated_at = "2026-11-25T02:37:10.456Z";
  job.original = {3145728, "jpeg", 4032, 3024, std::string(64, 'a')};
  edgepix::image::ImageMetadata m;
  m.orientation = 6;
  m.camera_make = "Canon";
  m.camera_model = "R5";
  m.gps = edgepix::image::GpsPoint{48.5, -2.25};
  job.metadata = m;
  job.variants = {{"thumb", 150, 150, 7900}, {"medium", 640, 480, 30000}};
  job.warnings = {"Corrupt JPEG data: 12 extraneous bytes before marker 0xd9"};
  job.thumbhash = std::string("\x93\x00\x0a\xff\xfe", 5);

  const nlohmann::json j = JobJson(job, kPlain);
  std::vector<std::string> keys;
  for (auto& [k, v] : j.items()) keys.push_back(k);
  std::sort(keys.begin(), keys.end());
  CHECK(keys == std::vector<std::string>{"batch", "created_at", "error", "filename", "id",
                                         "metadata", "moderation", "original", "placeholder",
                                         "status", "updated_at", "variants", "version",
                                         "warnings"});
  CHECK(j["batch"].is_null());
  CHECK(j["moderation"] == "approved");
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
  CHECK(j["metadata"] == nlohmann::json{{"taken_at", nullptr},
                                        {"camera", {{"make", "Canon"}, {"model", "R5"}}},
                                        {"gps", {{"lat", 48.5}, {"lon", -2.25}}},
                                        {"orientation", 6}});
  REQUIRE(j["variants"].size() == 2);
  CHECK(j["variants"][0] == nlohmann::json{{"name", "thumb"},
                                           {"url", "/v/AbCdEfGh12345678/thumb.webp"},
                                           {"width", 150},
                                           {"height", 150},
                                           {"bytes", 7900}});
  CHECK(j["variants"][1]["url"] == "/v/AbCdEfGh12345678/medium.webp");
  CHECK(j["error"].is_null());
  CHECK(j["warnings"] ==
        nlohmann::json::array({"Corrupt JPEG data: 12 extraneous bytes before marker 0xd9"}));
  // Standard base64 with padding, as ThumbHash decoders (atob) take it.
  CHECK(j["placeholder"] == nlohmann::json{{"thumbhash", "kwAK//4="}});
}

TEST_CASE("JobJson of a pending and of a failed job", "[job][json]") {
  Job job;
  job.id = "pending00001";
  job.original.bytes = 10;
  job.original.sha256 = "ff";

  nlohmann::json j = JobJson(job, kPlain);
  CHECK(j["status"] == "PENDING");
  CHECK(j["version"] == 1);
  CHECK(j["original"]["bytes"] == 10);
  CHECK(j["original"]["format"].is_null());
  CHECK(j["original"]["width"].is_null());
  CHECK(j["original"]["height"].is_null());
  CHECK(j["metadata"] == nlohmann::json::object());  // nothing known yet, never null
  CHECK(j["variants"] == nlohmann::json::array());
  CHECK(j["error"].is_null());
  CHECK(j["warnings"] == nlohmann::json::array());
  CHECK(j["placeholder"].is_null());
  job.batch_id = "batch0000001";
  CHECK(JobJson(job, kPlain)["batch"] == "batch0000001");

  // The header probe of the upload may already know these while PENDING.
  job.original.format = "png";
  job.original.width = 800;
  job.original.height = 600;
  j = JobJson(job, kPlain);
  CHECK(j["original"]["format"] == "png");
  CHECK(j["original"]["width"] == 800);
  CHECK(j["original"]["height"] == 600);

  job.status = JobStatus::kFailed;
  job.error = edgepix::JobError{"undecodable", "truncated JPEG"};
  j = JobJson(job, kPlain);
  CHECK(j["status"] == "FAILED");
  CHECK(j["error"] == nlohmann::json{{"code", "undecodable"}, {"message", "truncated JPEG"}});
}

TEST_CASE("JobJson makes every media URL through the given function", "[job][json]") {
  Job job;
  job.id = "signed000001";
  job.status = JobStatus::kCompleted;
  job.metadata = edgepix::image::ImageMetadata{};
  job.variants = {{"thumb", 150, 150, 7900}, {"large", 1280, 960, 90000}};
  std::vector<std::string> asked;
  const nlohmann::json j = JobJson(job, [&](const std::string& path) {
    asked.push_back(path);
    return path + "?sig=x";
  });
  CHECK(asked == std::vector<std::string>{"/o/signed000001", "/v/signed000001/thumb.webp",
                                          "/v/signed000001/large.webp"});
  CHECK(j["original"]["url"] == "/o/signed000001?sig=x");
  CHECK(j["variants"][0]["url"] == "/v/signed000001/thumb.webp?sig=x");
  CHECK(j["variants"][1]["url"] == "/v/signed000001/large.webp?sig=x");
  CHECK(j["metadata"]["orientation"] == 1);
}
