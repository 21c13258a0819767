#include "cli/s3_options.h"

#include <fstream>
#include <sstream>

#include "jobs/retention.h"
#include "webhooks/config.h"

namespace edgepix::cli {
namespace {

Status Bad(const std::string& message) { return Status::Error(ErrorCode::kBadRequest, message); }

}  // namespace

Status ReadCredentialsFile(const std::string& flag, const std::string& path,
                           std::map<std::string, std::string>* out) {
  std::ifstream in(path);
  if (!in) return Bad("--" + flag + ": cannot read " + path);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#') continue;
    line = line.substr(start);
    size_t sep = line.find_first_of(" \t:");
    if (sep == std::string::npos)
      return Bad(path + ":" + std::to_string(n) + ": expected ACCESS_KEY SECRET");
    std::string key = line.substr(0, sep);
    size_t secret_at = line.find_first_not_of(" \t:", sep);
    if (secret_at == std::string::npos) return Bad(path + ":" + std::to_string(n) + ": no secret");
    std::string secret = line.substr(secret_at);
    while (!secret.empty() && (secret.back() == ' ' || secret.back() == '\t')) secret.pop_back();
    (*out)[key] = secret;
  }
  if (out->empty()) return Bad("--" + flag + ": no credentials in " + path);
  return Status::Ok();
}

std::vector<OptionDef> S3OptionDefs() {
  return {
      {"s3-listen", "",
       "serve an S3-compatible endpoint (path-style) on HOST:PORT; off when unset"},
      {"s3-access-key", "", "S3 access key id accepted by --s3-listen (with --s3-secret-key)"},
      {"s3-secret-key", "", "S3 secret access key for --s3-access-key"},
      {"s3-credentials-file", "", "file of 'ACCESS_KEY SECRET' lines accepted by --s3-listen"},
      {"s3-bucket", "", "S3 bucket to create at start (repeatable)", true},
      {"s3-region", "us-east-1", "the region S3 clients must sign for"},
      {"s3-variant-key", "{key}.{variant}.webp",
       "S3 key under which an image object's variants are read and listed"},
      {"s3-notify", "",
       "URL receiving S3 event notifications (ObjectCreated:Put/Copy/CompleteMultipartUpload, "
       "ObjectRemoved:Delete) through "
       "the webhook outbox, signed with --webhook-secret (repeatable)",
       true},
      {"s3-multipart-ttl", "24h",
       "S3 multipart uploads neither completed nor aborted this long after their start are "
       "aborted, their parts deleted (90s, 30m, 12h, 7d)"},
      {"s3-complete-marker", "",
       "object name (e.g. _complete) whose PUT as PREFIX/NAME closes the batch of the images "
       "put under PREFIX/ since the previous marker; its batch.completed goes to --webhook"},
  };
}

Result<std::optional<s3::S3Options>> S3OptionsFrom(const ParsedOptions& parsed) {
  if (parsed.Get("s3-listen").empty()) return std::optional<s3::S3Options>();
  s3::S3Options options;
  const std::string listen = parsed.Get("s3-listen");
  size_t colon = listen.rfind(':');
  char* end = nullptr;
  long port = colon == std::string::npos ? -1 : std::strtol(listen.c_str() + colon + 1, &end, 10);
  if (colon == std::string::npos || colon == 0 || colon + 1 == listen.size() || *end != '\0' ||
      port < 0 || port > 65535) {
    return Bad("--s3-listen must be HOST:PORT, got '" + listen + "'");
  }
  options.host = listen.substr(0, colon);
  if (options.host.size() > 2 && options.host.front() == '[' && options.host.back() == ']') {
    options.host = options.host.substr(1, options.host.size() - 2);
  }
  options.port = static_cast<int>(port);
  const std::string key = parsed.Get("s3-access-key"), secret = parsed.Get("s3-secret-key");
  if (key.empty() != secret.empty()) return Bad("--s3-access-key and --s3-secret-key go together");
  if (!key.empty()) options.credentials[key] = secret;
  if (!parsed.Get("s3-credentials-file").empty()) {
    EDGEPIX_RETURN_IF_ERROR(ReadCredentialsFile(
        "s3-credentials-file", parsed.Get("s3-credentials-file"), &options.credentials));
  }
  if (options.credentials.empty()) {
    return Bad(
        "--s3-listen needs credentials: --s3-access-key/--s3-secret-key or --s3-credentials-file");
  }
  for (const auto& b : parsed.GetAll("s3-bucket")) {
    if (!s3::ValidBucketName(b)) return Bad("--s3-bucket: '" + b + "' is not a valid bucket name");
    options.buckets.push_back(b);
  }
  options.region = parsed.Get("s3-region");
  options.variant_key = parsed.Get("s3-variant-key");
  if (options.variant_key.find("{key}") == std::string::npos ||
      options.variant_key.find("{variant}") == std::string::npos ||
      options.variant_key.find("{variant}") < options.variant_key.find("{key}") + 5 ||
      options.variant_key.find("{variant}") == options.variant_key.find("{key}") + 5) {
    return Bad("--s3-variant-key must contain {key}, then a separator, then {variant}");
  }
  options.cors_origins = parsed.GetAll("cors-origin");
  for (const auto& url : parsed.GetAll("s3-notify")) {
    EDGEPIX_RETURN_IF_ERROR(webhooks::CheckEndpointUrl("--s3-notify", url));
    options.notify.push_back(url);
  }
  auto ttl = ParseRetention(parsed.Get("s3-multipart-ttl"));
  if (!ttl.ok()) return Bad("--s3-multipart-ttl: " + ttl.status().message());
  options.multipart_ttl = *ttl;
  options.complete_marker = parsed.Get("s3-complete-marker");
  if (options.complete_marker.find('/') != std::string::npos) {
    return Bad("--s3-complete-marker is an object name, without '/'");
  }
  return std::optional<s3::S3Options>(std::move(options));
}

}  // namespace edgepix::cli
