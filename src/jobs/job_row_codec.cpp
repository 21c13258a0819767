// The row encodings shared by the job stores.
#include "jobs/job_row_codec.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/status.h"

namespace edgepix {

namespace {

constexpr char kColumns[] =
    "id, status, version, filename, created_at, updated_at, original_bytes, original_format, "
    "original_width, original_height, sha256, metadata_json, variants_json, error_code, "
    "error_message, attempts, spec_key, suspect, warnings_json, batch_id, uploader, thumbhash, "
    "moderation";

// Counted from the list itself, so a column added there moves every index
// selected after the list (a hand-kept count went stale once).
constexpr int CountColumns(const char* s) {
  int n = 1;
  for (; *s; ++s) n += *s == ',';
  return n;
}

}  // namespace

const char* const kJobColumns = kColumns;
const int kJobColumnCount = CountColumns(kColumns);
static_assert(CountColumns(kColumns) == 23, "the stores read columns 0..22");

const char* const kBatchColumns =
    "id, status, version, metadata_json, callback_url, created_at, updated_at, closed_at, "
    "total, pending, processing, completed, failed";
const char* const kGrantColumns = "id, batch_id, max_bytes, expires_at, used_at, job_id";

std::string VariantsToJson(const std::vector<VariantRecord>& variants) {
  nlohmann::json out = nlohmann::json::array();
  for (const VariantRecord& v : variants) {
    out.push_back({{"name", v.name}, {"width", v.width}, {"height", v.height}, {"bytes", v.bytes}});
  }
  return out.dump();
}

std::vector<VariantRecord> VariantsFromJson(const std::string& text) {
  std::vector<VariantRecord> out;
  for (const nlohmann::json& v : nlohmann::json::parse(text)) {
    VariantRecord r;
    r.name = v.at("name").get<std::string>();
    r.width = v.at("width").get<int>();
    r.height = v.at("height").get<int>();
    r.bytes = v.at("bytes").get<uint64_t>();
    out.push_back(std::move(r));
  }
  return out;
}

namespace {

std::optional<std::string> Text(const nlohmann::json& j, const char* key) {
  if (!j.contains(key) || !j[key].is_string()) return std::nullopt;
  return j[key].get<std::string>();
}

}  // namespace

std::string MetadataToColumn(const std::optional<image::ImageMetadata>& m) {
  nlohmann::json j = nlohmann::json::object();
  if (!m) return j.dump();
  if (m->taken_at) j["taken_at"] = *m->taken_at;
  if (m->camera_make) j["camera_make"] = *m->camera_make;
  if (m->camera_model) j["camera_model"] = *m->camera_model;
  if (m->gps) j["gps"] = {{"lat", m->gps->lat}, {"lon", m->gps->lon}};
  j["orientation"] = m->orientation;
  return j.dump();
}

std::optional<image::ImageMetadata> MetadataFromColumn(const std::string& text) {
  const nlohmann::json j = nlohmann::json::parse(text);
  if (!j.is_object() || !j.contains("orientation")) return std::nullopt;
  image::ImageMetadata m;
  m.taken_at = Text(j, "taken_at");
  // Rows written before the metadata was typed nest the camera as the API does.
  if (j.contains("camera") && j["camera"].is_object()) {
    m.camera_make = Text(j["camera"], "make");
    m.camera_model = Text(j["camera"], "model");
  } else {
    m.camera_make = Text(j, "camera_make");
    m.camera_model = Text(j, "camera_model");
  }
  if (j.contains("gps") && j["gps"].is_object()) {
    m.gps = image::GpsPoint{j["gps"].at("lat").get<double>(), j["gps"].at("lon").get<double>()};
  }
  m.orientation = j["orientation"].get<int>();
  return m;
}

std::string WarningsToJson(const std::vector<std::string>& warnings) {
  return nlohmann::json(warnings).dump();
}

std::vector<std::string> WarningsFromJson(const std::string& text) {
  return nlohmann::json::parse(text).get<std::vector<std::string>>();
}

bool SettleInterruptedJob(Job* job, bool alone, int max_attempts) {
  job->variants.clear();
  job->version += 1;
  job->updated_at = NowIso8601();
  if (alone && job->attempts >= max_attempts) {
    job->status = JobStatus::kFailed;
    job->error = JobError{ErrorCodeName(ErrorCode::kPoison),
                          "processing was interrupted " + std::to_string(job->attempts) +
                              " times while this image was the only one being processed (the "
                              "server stopped while working on it); given up"};
    return true;
  }
  job->status = JobStatus::kPending;
  if (!alone) {
    job->attempts = std::max(0, job->attempts - 1);
    job->suspect = true;
  }
  return false;
}

}  // namespace edgepix
