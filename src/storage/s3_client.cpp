#include "storage/s3_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <optional>
#include <random>
#include <thread>

#include "common/metrics.h"
#include "sigv4/signer.h"
#include "sigv4/uri_encode.h"
#include "storage/s3_xml.h"

namespace edgepix::s3client {
namespace {

constexpr size_t kIdleHandles = 16;

struct Body {
  std::string_view data;
  size_t at = 0;
};

size_t ReadBody(char* buffer, size_t size, size_t n, void* user) {
  auto* body = static_cast<Body*>(user);
  const size_t take = std::min(size * n, body->data.size() - body->at);
  std::memcpy(buffer, body->data.data() + body->at, take);
  body->at += take;
  return take;
}

size_t WriteBody(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

size_t KeepHeader(char* data, size_t size, size_t n, void* user) {
  auto* headers = static_cast<NameValues*>(user);
  std::string_view line(data, size * n);
  // A new status line (after a 100 Continue, say) starts a new header block.
  if (line.starts_with("HTTP/")) headers->clear();
  size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string name = sigv4::Lower(line.substr(0, colon));
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
      value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
      value.remove_suffix(1);
    headers->emplace_back(std::move(name), std::string(value));
  }
  return size * n;
}

bool Retryable(long status) { return status == 429 || status >= 500; }

metrics::Family& LatencyHistogram() {
  static metrics::Family& family = metrics::Registry::Default().Histogram(
      "edgepix_blob_store_seconds", "Blob store request latency, retries included", {"store", "op"},
      {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10});
  return family;
}

metrics::Family& RetryCounter() {
  static metrics::Family& family = metrics::Registry::Default().Counter(
      "edgepix_blob_store_retries_total", "Blob store requests retried after a transient failure",
      {"store", "op"});
  return family;
}

std::string HostOf(const std::string& endpoint) {
  size_t start = endpoint.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  size_t end = endpoint.find('/', start);
  return endpoint.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

}  // namespace

std::string S3Response::Header(std::string_view lower_name) const {
  for (const auto& [n, v] : headers) {
    if (n == lower_name) return v;
  }
  return "";
}

std::string ObjectPath(const std::string& bucket, const std::string& key) {
  std::string path = "/" + sigv4::UriEncode(bucket, false);
  if (!key.empty()) path += "/" + sigv4::UriEncode(key, true);
  return path;
}

Status ErrorFrom(const S3Response& response, const std::string& what) {
  const std::string code = s3xml::Value(response.body, "Code").value_or("");
  const std::string message = s3xml::Value(response.body, "Message").value_or("");
  std::string text = what + ": HTTP " + std::to_string(response.status);
  if (!code.empty()) text += " " + code;
  if (!message.empty()) text += " (" + message + ")";
  ErrorCode ec = ErrorCode::kIoError;
  if (response.status == 404) ec = ErrorCode::kNotFound;
  if (response.status == 403) ec = ErrorCode::kForbidden;
  if (response.status == 412) ec = ErrorCode::kConflict;
  if (Retryable(response.status)) ec = ErrorCode::kUnavailable;
  return Status::Error(ec, text);
}

S3Client::S3Client(S3BlobConfig config)
    : config_(std::move(config)), host_(HostOf(config_.endpoint)) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

S3Client::~S3Client() {
  for (void* h : idle_) curl_easy_cleanup(static_cast<CURL*>(h));
}

void* S3Client::Acquire() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      void* h = idle_.back();
      idle_.pop_back();
      return h;
    }
  }
  return curl_easy_init();
}

void S3Client::Release(void* handle) {
  std::lock_guard<std::mutex> lock(mu_);
  if (idle_.size() < kIdleHandles) {
    idle_.push_back(handle);
  } else {
    curl_easy_cleanup(static_cast<CURL*>(handle));
  }
}

Result<S3Response> S3Client::Send(const S3Request& request) {
  const auto started = std::chrono::steady_clock::now();
  std::string raw_query;
  for (const auto& [n, v] : request.query) {
    if (!raw_query.empty()) raw_query.push_back('&');
    raw_query += sigv4::UriEncode(n, false) + "=" + sigv4::UriEncode(v, false);
  }
  const std::string path = ObjectPath(config_.bucket, request.key);
  const std::string url = config_.endpoint + path + (raw_query.empty() ? "" : "?" + raw_query);
  const std::string payload_hash = sigv4::HexSha256(request.body);
  const int attempts = request.retry ? std::max(1, config_.max_attempts) : 1;
  thread_local std::mt19937 jitter(std::random_device{}());

  std::string last_error;
  std::optional<S3Response> last_answer;
  CURL* curl = static_cast<CURL*>(Acquire());
  if (curl == nullptr)
    return Status::Error(ErrorCode::kInternal, "libcurl could not make a handle");
  for (int attempt = 0; attempt < attempts; ++attempt) {
    if (attempt > 0) {
      RetryCounter().Add({"s3", request.op});
      int64_t cap = std::min<int64_t>(config_.backoff_max_ms,
                                      int64_t{config_.backoff_initial_ms} << (attempt - 1));
      std::uniform_int_distribution<int64_t> pick(cap / 2, std::max<int64_t>(cap, 1));
      std::this_thread::sleep_for(std::chrono::milliseconds(pick(jitter)));
    }
    sigv4::Request signed_request{request.method, path, raw_query, {}};
    signed_request.headers.emplace_back("Host", host_);
    for (const auto& h : request.headers) signed_request.headers.push_back(h);
    sigv4::SignOptions options;
    options.region = config_.region;
    options.now_unix = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
    sigv4::SignHeaders(&signed_request, payload_hash,
                       sigv4::Credentials{config_.access_key, config_.secret_key, ""}, options);

    curl_easy_reset(curl);  // keeps the connection cache
    curl_slist* list = nullptr;
    for (const auto& [name, value] : signed_request.headers) {
      list = curl_slist_append(list, (name + ": " + value).c_str());
    }
    list = curl_slist_append(list, "Expect:");
    Body body{request.body, 0};
    S3Response answer;
    char error[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(config_.connect_timeout_ms));
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1024L);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, static_cast<long>(config_.stall_timeout_s));
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "edgepix-blobs");
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, WriteBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &answer.body);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, KeepHeader);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &answer.headers);
    if (request.method == "HEAD") {
      curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    } else if (request.method == "PUT" || request.method == "POST") {
      curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt(curl, CURLOPT_READFUNCTION, ReadBody);
      curl_easy_setopt(curl, CURLOPT_READDATA, &body);
      curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
      curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    } else if (request.method != "GET") {
      curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
    CURLcode rc = curl_easy_perform(curl);
    curl_slist_free_all(list);
    if (rc != CURLE_OK) {
      last_error =
          std::string(curl_easy_strerror(rc)) + (error[0] ? std::string(": ") + error : "");
      last_answer.reset();
      continue;
    }
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &answer.status);
    if (Retryable(answer.status)) {
      last_answer = std::move(answer);
      continue;
    }
    Release(curl);
    LatencyHistogram().Observe(
        {"s3", request.op},
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    return answer;
  }
  Release(curl);
  LatencyHistogram().Observe(
      {"s3", request.op},
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  const std::string what =
      request.method + " " + path + " failed after " + std::to_string(attempts) + " attempt(s)";
  if (last_answer) return ErrorFrom(*last_answer, what);
  return Status::Error(ErrorCode::kUnavailable, what + ": " + last_error);
}

}  // namespace edgepix::s3client
