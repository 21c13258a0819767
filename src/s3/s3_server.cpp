#include "s3/s3_server.h"

#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <ctime>

#include "common/log.h"
#include "http/crypto.h"
#include "s3/checksums.h"
#include "s3/multipart_sweep.h"
#include "s3/s3_call.h"
#include "s3/sigv2.h"
#include "sigv4/uri_encode.h"

namespace edgepix::s3 {
namespace {

const char* const kAnyPath = R"([\s\S]*)";

std::string ToUpper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// Query parameters that are authentication or SDK decoration, not a sub-resource.
bool IsPlainParam(const std::string& name) {
  std::string lower = name;
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  return lower.starts_with("x-amz-") || name == "AWSAccessKeyId" || name == "Signature" ||
         name == "Expires" || name == "x-id";
}

bool IsListParam(const std::string& name) {
  return name == "list-type" || name == "prefix" || name == "delimiter" || name == "max-keys" ||
         name == "continuation-token" || name == "start-after" || name == "encoding-type" ||
         name == "fetch-owner";
}

std::string AllowedOrigin(const S3Options& options, const httplib::Request& req) {
  if (!req.has_header("Origin") || options.cors_origins.empty()) return "";
  const std::string origin = req.get_header_value("Origin");
  for (const auto& o : options.cors_origins) {
    if (o == "*" || o == origin) return o == "*" ? "*" : origin;
  }
  return "";
}

std::string IsoNow() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

AuthResult Authenticate(const S3Options& options, const httplib::Request& req) {
  SignedRequest signed_request;
  signed_request.method = req.method;
  const size_t q = req.target.find('?');
  signed_request.raw_path = req.target.substr(0, q);
  signed_request.raw_query = q == std::string::npos ? "" : req.target.substr(q + 1);
  signed_request.headers.assign(req.headers.begin(), req.headers.end());
  SecretLookup secrets = [&options](std::string_view key) -> std::optional<std::string> {
    auto it = options.credentials.find(std::string(key));
    if (it == options.credentials.end()) return std::nullopt;
    return it->second;
  };
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  if (HasSigV4(signed_request)) {
    VerifyOptions verify;
    verify.region = options.region;
    verify.now_unix = now;
    return VerifySigV4(signed_request, secrets, verify);
  }
  if (HasSigV2Query(signed_request)) return VerifySigV2Query(signed_request, secrets, now);
  AuthResult refused;
  refused.code = AuthCode::kMissing;
  refused.message = "Access Denied";
  return refused;
}

// Whether every sub-resource parameter of the request is one of `allowed`.
bool OnlyParams(const S3Call& call, std::initializer_list<std::string_view> allowed) {
  for (const auto& [name, value] : call.query) {
    if (IsPlainParam(name)) continue;
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) return false;
  }
  return true;
}

void Dispatch(S3Call& call, const httplib::ContentReader* reader) {
  const std::string& m = call.req.method;
  bool sub_resource = false, list_params = false;
  for (const auto& [name, value] : call.query) {
    if (IsPlainParam(name)) continue;
    if (IsListParam(name)) {
      list_params = true;
      continue;
    }
    if (name == "location" && call.key.empty()) continue;
    sub_resource = true;
  }
  auto not_implemented = [&] {
    call.Fail("NotImplemented",
              "A header or query you provided implies functionality that is not implemented");
  };
  const bool copy = call.req.has_header("x-amz-copy-source");
  if (call.bucket.empty()) {
    if (m == "GET" && !sub_resource) return ListBuckets(call);
    return not_implemented();
  }
  if (call.key.empty()) {
    if (m == "GET" && call.HasParam("uploads") &&
        OnlyParams(call, {"uploads", "prefix", "delimiter", "key-marker", "upload-id-marker",
                          "max-uploads", "encoding-type"})) {
      return ListMultipartUploads(call);
    }
    if (sub_resource || m == "POST") return not_implemented();
    if (m == "PUT") return CreateBucket(call);
    if (m == "HEAD") return HeadBucket(call);
    if (m == "DELETE") return DeleteBucket(call);
    if (m == "GET") {
      if (call.HasParam("location")) return GetBucketLocation(call);
      if (call.Param("list-type") == "2") return ListObjectsV2(call);
      return not_implemented();  // ListObjects (v1)
    }
    return not_implemented();
  }
  if (call.HasParam("uploadId")) {
    if (m == "PUT" && call.HasParam("partNumber") && OnlyParams(call, {"uploadId", "partNumber"})) {
      if (copy) return UploadPartCopy(call);
      if (reader) return UploadPart(call, *reader);
    }
    if (m == "POST" && OnlyParams(call, {"uploadId"})) return CompleteMultipartUpload(call);
    if (m == "DELETE" && OnlyParams(call, {"uploadId"})) return AbortMultipartUpload(call);
    if (m == "GET" && OnlyParams(call, {"uploadId", "max-parts", "part-number-marker"})) {
      return ListParts(call);
    }
    return not_implemented();
  }
  if (m == "POST" && call.HasParam("uploads") && OnlyParams(call, {"uploads"})) {
    return CreateMultipartUpload(call);
  }
  if (m == "GET" && call.HasParam("tagging") && OnlyParams(call, {"tagging"})) {
    return GetObjectTagging(call);
  }
  if (sub_resource || list_params || m == "POST") return not_implemented();
  if (m == "PUT" && copy) return CopyObject(call);
  if (m == "PUT" && reader) return PutObject(call, *reader);
  if (m == "GET" || m == "HEAD") return GetObject(call);
  if (m == "DELETE") return DeleteObject(call);
  return not_implemented();
}

}  // namespace

bool S3Call::HasParam(std::string_view name) const {
  return std::any_of(query.begin(), query.end(), [&](const auto& p) { return p.first == name; });
}

std::string S3Call::Param(std::string_view name) const {
  for (const auto& [n, v] : query) {
    if (n == name) return v;
  }
  return "";
}

void S3Call::Fail(const S3Error& error) {
  S3Error e = error;
  if (e.code == "RequestTimeTooSkewed") e.server_time = IsoNow();
  res.status = S3StatusFor(e.code);
  res.body.clear();
  if (head()) return;
  std::string resource = "/" + bucket + (key.empty() ? "" : "/" + key);
  res.set_content(ErrorXml(e, resource, request_id), "application/xml");
}

void S3Call::Xml(int status, const std::string& body) {
  res.status = status;
  if (!head()) res.set_content(body, "application/xml");
}

std::string HttpDate(const std::string& iso8601) {
  std::tm tm{};
  if (iso8601.size() < 19 || !strptime(iso8601.c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) return "";
  std::time_t t = timegm(&tm);
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

bool ValidBucketName(std::string_view name) {
  if (name.size() < 3 || name.size() > 63) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(name.front()) || !alnum(name.back())) return false;
  for (char c : name) {
    if (!alnum(c) && c != '-' && c != '.') return false;
  }
  return name.find("..") == std::string_view::npos;
}

std::string VariantKey(const std::string& templ, const std::string& key,
                       const std::string& variant) {
  std::string out = templ;
  size_t at = out.find("{variant}");
  if (at != std::string::npos) out.replace(at, 9, variant);
  at = out.find("{key}");
  if (at != std::string::npos) out.replace(at, 5, key);
  return out;
}

std::optional<std::pair<std::string, std::string>> SplitVariantKey(const std::string& templ,
                                                                   const std::string& key) {
  const size_t k = templ.find("{key}");
  const size_t v = templ.find("{variant}");
  if (k == std::string::npos || v == std::string::npos || v < k) return std::nullopt;
  const std::string before = templ.substr(0, k);
  const std::string between = templ.substr(k + 5, v - k - 5);
  const std::string after = templ.substr(v + 9);
  if (between.empty() || key.size() < before.size() + between.size() + after.size() + 2 ||
      !key.starts_with(before) || !key.ends_with(after)) {
    return std::nullopt;
  }
  std::string middle = key.substr(before.size(), key.size() - before.size() - after.size());
  size_t split = middle.rfind(between);
  if (split == std::string::npos || split == 0 || split + between.size() >= middle.size()) {
    return std::nullopt;
  }
  return std::make_pair(middle.substr(0, split), middle.substr(split + between.size()));
}

std::string VariantEtag(const std::string& job_id, const std::string& variant) {
  PayloadDigests d;
  std::string seed = job_id + "/" + variant;
  d.Update(seed.data(), seed.size());
  d.Finish();
  return "\"" + d.md5_hex() + "\"";
}

S3Server::S3Server(S3Backends backends, S3Options options)
    : backends_(backends),
      options_(std::move(options)),
      server_(std::make_unique<httplib::Server>()) {
  const int threads = options_.http_threads;
  server_->new_task_queue = [threads] {
    return new httplib::ThreadPool(static_cast<size_t>(threads));
  };
  // As on the main listener (http/server.cpp): a small answer after a long body
  // must not wait for the client's delayed ACK under Nagle's algorithm.
  server_->set_tcp_nodelay(true);
  server_->set_read_timeout(options_.read_timeout_seconds, 0);
  server_->set_write_timeout(options_.read_timeout_seconds, 0);
  if (options_.keep_alive_seconds >= 0)
    server_->set_keep_alive_timeout(options_.keep_alive_seconds);
  if (options_.keep_alive_max_requests > 0) {
    server_->set_keep_alive_max_count(static_cast<size_t>(options_.keep_alive_max_requests));
  }
  server_->set_payload_max_length(backends_.intake->options().max_upload_bytes + (16u << 20));

  auto handle = [this](const httplib::Request& req, httplib::Response& res,
                       const httplib::ContentReader* reader) {
    S3Call call{req, res, backends_, options_, ToUpper(http::RandomHex(8)), "", "", {}, {}, {}};
    res.set_header("x-amz-request-id", call.request_id);
    res.set_header("Server", "edgepix");
    // Range is answered here, never again by httplib.
    call.ranges.assign(req.ranges.begin(), req.ranges.end());
    const_cast<httplib::Request&>(req).ranges.clear();
    const std::string origin = AllowedOrigin(options_, req);
    if (!origin.empty()) {
      res.set_header("Access-Control-Allow-Origin", origin);
      res.set_header(
          "Access-Control-Expose-Headers",
          "ETag, x-amz-request-id, x-edgepix-job-id, x-edgepix-batch-id, x-amz-checksum-crc32");
      if (origin != "*") res.set_header("Vary", "Origin");
    }
    const size_t q = req.target.find('?');
    const std::string raw_path = req.target.substr(0, q);
    call.query = ParseQuery(q == std::string::npos ? "" : req.target.substr(q + 1));
    if (raw_path.empty() || raw_path[0] != '/')
      return call.Fail("InvalidRequest", "path-style requests only");
    const size_t slash = raw_path.find('/', 1);
    call.bucket = sigv4::PercentDecode(
        raw_path.substr(1, slash == std::string::npos ? std::string::npos : slash - 1), false);
    if (slash != std::string::npos)
      call.key = sigv4::PercentDecode(raw_path.substr(slash + 1), false);

    if (req.method == "OPTIONS") {
      if (origin.empty())
        return call.Fail("AccessDenied", "CORSResponse: This CORS request is not allowed.");
      res.status = 200;
      res.set_header("Access-Control-Allow-Methods", "GET, PUT, HEAD, DELETE, POST");
      if (req.has_header("Access-Control-Request-Headers")) {
        res.set_header("Access-Control-Allow-Headers",
                       req.get_header_value("Access-Control-Request-Headers"));
      }
      res.set_header("Access-Control-Max-Age", "600");
      return;
    }
    call.auth = Authenticate(options_, req);
    if (call.auth.code != AuthCode::kOk) return call.Fail(FromAuth(call.auth));
    Dispatch(call, reader);
  };
  server_->Get(kAnyPath, [handle](const httplib::Request& req, httplib::Response& res) {
    handle(req, res, nullptr);
  });
  server_->Delete(kAnyPath, [handle](const httplib::Request& req, httplib::Response& res) {
    handle(req, res, nullptr);
  });
  server_->Post(kAnyPath, [handle](const httplib::Request& req, httplib::Response& res) {
    handle(req, res, nullptr);
  });
  server_->Patch(kAnyPath, [handle](const httplib::Request& req, httplib::Response& res) {
    handle(req, res, nullptr);
  });
  server_->Options(kAnyPath, [handle](const httplib::Request& req, httplib::Response& res) {
    handle(req, res, nullptr);
  });
  server_->Put(kAnyPath,
               [handle](const httplib::Request& req, httplib::Response& res,
                        const httplib::ContentReader& reader) { handle(req, res, &reader); });
  server_->set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        res.status = 500;
        res.set_content(
            ErrorXml({"InternalError", "We encountered an internal error. Please try again.", ""},
                     "", ""),
            "application/xml");
      });
}

S3Server::~S3Server() = default;

Result<int> S3Server::Bind() {
  for (const auto& name : options_.buckets) {
    Status st = backends_.index->CreateBucket(name);
    if (!st.ok() && st.code() != ErrorCode::kConflict) return st;
  }
  if (backends_.uploads && backends_.parts && !sweeper_) {
    EDGEPIX_RETURN_IF_ERROR(
        RemoveOrphanParts(backends_.uploads, backends_.parts, options_.orphan_part_grace_seconds));
    sweeper_ = std::make_unique<MultipartSweeper>(backends_.uploads, backends_.parts,
                                                  options_.multipart_ttl);
  }
  int port = options_.port == 0
                 ? server_->bind_to_any_port(options_.host)
                 : (server_->bind_to_port(options_.host, options_.port) ? options_.port : -1);
  if (port < 0) {
    return Status::Error(ErrorCode::kUnavailable, "cannot listen on " + options_.host + ":" +
                                                      std::to_string(options_.port) + " (S3)");
  }
  return port;
}

Status S3Server::Listen() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return Status::Ok();
    listening_ = true;
  }
  server_->listen_after_bind();
  {
    std::lock_guard lock(mu_);
    listening_ = false;
  }
  listen_ended_.notify_all();
  return Status::Ok();
}

void S3Server::Stop() {
  if (sweeper_) sweeper_->Stop();
  std::unique_lock lock(mu_);
  stopping_ = true;
  // httplib's stop() does nothing before its accept loop runs, and may be
  // called only once after (it asserts on the closed socket): wait for the
  // loop, stop it once, wait for Listen to return.
  bool stop_sent = false;
  while (listening_) {
    if (!stop_sent && server_->is_running()) {
      server_->stop();
      stop_sent = true;
    }
    listen_ended_.wait_for(lock, std::chrono::milliseconds(10));
  }
}

}  // namespace edgepix::s3
