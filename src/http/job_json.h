// The API's JSON shapes of a job and of a batch (the OpenAPI document's schemas).
//
// Rendering happens here, in http/, and nowhere else: jobs/ keeps typed
// records and knows no URLs. Media URLs are made while rendering, through
// `media_url`, which turns a media path into what clients get (the path
// itself, or a signed URL in private mode). Pure functions; thread-safe.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "image/pipeline.h"
#include "jobs/batch.h"
#include "jobs/job.h"

namespace edgepix::http {

using MediaUrlFn = std::function<std::string(const std::string& path)>;

// The media paths of an image, as the media routes serve them.
std::string OriginalPath(const std::string& id);                             // /o/{id}
std::string VariantPath(const std::string& id, const std::string& variant);  // /v/{id}/{name}.webp

// The "metadata" object: taken_at, camera {make, model}, gps {lat, lon},
// orientation; unknown facts are null.
nlohmann::json MetadataJson(const image::ImageMetadata& metadata);

nlohmann::json JobJson(const Job& job, const MediaUrlFn& media_url);

// A batch without its page of jobs (the batch routes add it).
nlohmann::json BatchJson(const Batch& batch);

}  // namespace edgepix::http
