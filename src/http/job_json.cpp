#include "http/job_json.h"

#include "http/crypto.h"

namespace edgepix::http {
namespace {

// Unknown facts (0 or "") are null rather than a misleading zero.
nlohmann::json OrNull(int v) { return v > 0 ? nlohmann::json(v) : nlohmann::json(nullptr); }
nlohmann::json OrNull(const std::string& v) {
  return v.empty() ? nlohmann::json(nullptr) : nlohmann::json(v);
}
nlohmann::json OrNull(const std::optional<std::string>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace

std::string OriginalPath(const std::string& id) { return "/o/" + id; }

std::string VariantPath(const std::string& id, const std::string& variant) {
  return "/v/" + id + "/" + variant + ".webp";
}

nlohmann::json MetadataJson(const image::ImageMetadata& m) {
  nlohmann::json camera = nullptr;
  if (m.camera_make || m.camera_model) {
    camera = {{"make", OrNull(m.camera_make)}, {"model", OrNull(m.camera_model)}};
  }
  nlohmann::json gps = nullptr;
  if (m.gps) gps = {{"lat", m.gps->lat}, {"lon", m.gps->lon}};
  return {{"taken_at", OrNull(m.taken_at)},
          {"camera", std::move(camera)},
          {"gps", std::move(gps)},
          {"orientation", m.orientation}};
}

nlohmann::json JobJson(const Job& job, const MediaUrlFn& media_url) {
  nlohmann::json original = {
      {"url", media_url(OriginalPath(job.id))}, {"bytes", job.original.bytes},
      {"format", OrNull(job.original.format)},  {"width", OrNull(job.original.width)},
      {"height", OrNull(job.original.height)},  {"sha256", OrNull(job.original.sha256)},
  };
  nlohmann::json variants = nlohmann::json::array();
  for (const VariantRecord& v : job.variants) {
    variants.push_back({{"name", v.name},
                        {"url", media_url(VariantPath(job.id, v.name))},
                        {"width", v.width},
                        {"height", v.height},
                        {"bytes", v.bytes}});
  }
  nlohmann::json error = nullptr;
  if (job.error) error = {{"code", job.error->code}, {"message", job.error->message}};
  // Facts not known yet (before COMPLETED): an empty object, never null.
  nlohmann::json metadata = job.metadata ? MetadataJson(*job.metadata) : nlohmann::json::object();
  return {
      {"id", job.id},
      {"status", JobStatusName(job.status)},
      {"batch", OrNull(job.batch_id)},
      {"version", job.version},
      {"filename", job.filename},
      {"created_at", job.created_at},
      {"updated_at", job.updated_at},
      {"original", std::move(original)},
      {"metadata", std::move(metadata)},
      {"variants", std::move(variants)},
      {"error", std::move(error)},
      {"warnings", job.warnings},
      {"moderation", ModerationName(job.moderation)},
      {"placeholder", job.thumbhash.empty()
                          ? nlohmann::json(nullptr)
                          : nlohmann::json{{"thumbhash", Base64Encode(job.thumbhash)}}},
  };
}

nlohmann::json BatchJson(const Batch& b) {
  auto or_null = [](const std::string& v) {
    return v.empty() ? nlohmann::json(nullptr) : nlohmann::json(v);
  };
  return {
      {"id", b.id},
      {"status", BatchStatusName(b.status)},
      {"version", b.version},
      {"counts",
       {{"total", b.counts.total},
        {"pending", b.counts.pending},
        {"processing", b.counts.processing},
        {"completed", b.counts.completed},
        {"failed", b.counts.failed}}},
      {"metadata", b.metadata.is_object() ? b.metadata : nlohmann::json(nullptr)},
      {"callback_url", or_null(b.callback_url)},
      {"created_at", b.created_at},
      {"updated_at", b.updated_at},
      {"closed_at", or_null(b.closed_at)},
  };
}

}  // namespace edgepix::http
