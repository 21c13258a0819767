#include "storage/s3_bucket.h"

#include <chrono>

#include "sigv4/canonical.h"
#include "storage/s3_xml.h"

namespace edgepix::s3client {

bool Is2xx(const S3Response& r) { return r.status >= 200 && r.status < 300; }

bool HasErrorBody(const S3Response& r) { return r.body.find("<Error>") != std::string::npos; }

int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t ParseIsoTime(const std::string& t) {
  if (t.size() < 19) return 0;
  std::string compact = t.substr(0, 4) + t.substr(5, 2) + t.substr(8, 2) + "T" + t.substr(11, 2) +
                        t.substr(14, 2) + t.substr(17, 2) + "Z";
  return sigv4::ParseAmzDate(compact).value_or(0);
}

std::string S3Bucket::VariantKey(const std::string& id, const std::string& name) const {
  return ImageDir(id) + name + ".webp";
}

Status S3Bucket::Put(const std::string& key, std::string_view data, const char* op, bool retry) {
  S3Request r;
  r.method = "PUT";
  r.key = key;
  r.body = data;
  r.op = op;
  r.retry = retry;
  EDGEPIX_ASSIGN_OR_RETURN(auto answer, client_.Send(r));
  if (!Is2xx(answer)) return ErrorFrom(answer, "PutObject " + key);
  return Status::Ok();
}

Result<std::string> S3Bucket::Get(const std::string& key, const char* op, bool retry) {
  S3Request r;
  r.key = key;
  r.op = op;
  r.retry = retry;
  EDGEPIX_ASSIGN_OR_RETURN(auto answer, client_.Send(r));
  if (answer.status != 200) return ErrorFrom(answer, "GetObject " + key);
  return std::move(answer.body);
}

Status S3Bucket::Delete(const std::string& key, bool retry) {
  S3Request r;
  r.method = "DELETE";
  r.key = key;
  r.op = "delete";
  r.retry = retry;
  EDGEPIX_ASSIGN_OR_RETURN(auto answer, client_.Send(r));
  if (!Is2xx(answer) && answer.status != 404) return ErrorFrom(answer, "DeleteObject " + key);
  return Status::Ok();
}

Status S3Bucket::Copy(const std::string& from, const std::string& to) {
  S3Request r;
  r.method = "PUT";
  r.key = to;
  r.op = "copy";
  r.headers.emplace_back("x-amz-copy-source", s3client::ObjectPath(client_.config().bucket, from));
  EDGEPIX_ASSIGN_OR_RETURN(auto answer, client_.Send(r));
  if (!Is2xx(answer) || HasErrorBody(answer)) return ErrorFrom(answer, "CopyObject to " + to);
  return Status::Ok();
}

Result<std::vector<Listed>> S3Bucket::List(const std::string& prefix) {
  std::vector<Listed> out;
  std::string token;
  while (true) {
    S3Request r;
    r.op = "list";
    r.query = {{"list-type", "2"}, {"prefix", prefix}};
    if (!token.empty()) r.query.emplace_back("continuation-token", token);
    EDGEPIX_ASSIGN_OR_RETURN(auto answer, client_.Send(r));
    if (answer.status != 200) return ErrorFrom(answer, "ListObjectsV2 " + prefix);
    for (std::string_view block : s3xml::Blocks(answer.body, "Contents")) {
      Listed item;
      item.key = s3xml::Value(block, "Key").value_or("");
      item.modified = ParseIsoTime(s3xml::Value(block, "LastModified").value_or(""));
      if (!item.key.empty()) out.push_back(std::move(item));
    }
    if (s3xml::Value(answer.body, "IsTruncated").value_or("false") != "true") break;
    token = s3xml::Value(answer.body, "NextContinuationToken").value_or("");
    if (token.empty()) break;
  }
  return out;
}

Result<std::vector<std::string>> S3Bucket::ListDirs(const std::string& prefix) {
  std::vector<std::string> out;
  std::string token;
  while (true) {
    S3Request r;
    r.op = "list";
    r.query = {{"list-type", "2"}, {"prefix", prefix}, {"delimiter", "/"}};
    if (!token.empty()) r.query.emplace_back("continuation-token", token);
    EDGEPIX_ASSIGN_OR_RETURN(auto answer, client_.Send(r));
    if (answer.status != 200) return ErrorFrom(answer, "ListObjectsV2 " + prefix);
    for (std::string_view block : s3xml::Blocks(answer.body, "CommonPrefixes")) {
      std::string p = s3xml::Value(block, "Prefix").value_or("");
      if (p.size() > prefix.size() + 1 && p.starts_with(prefix) && p.back() == '/') {
        out.push_back(p.substr(prefix.size(), p.size() - prefix.size() - 1));
      }
    }
    if (s3xml::Value(answer.body, "IsTruncated").value_or("false") != "true") break;
    token = s3xml::Value(answer.body, "NextContinuationToken").value_or("");
    if (token.empty()) break;
  }
  return out;
}

Status S3Bucket::AbortUpload(const std::string& key, const std::string& upload_id) {
  S3Request r;
  r.method = "DELETE";
  r.key = key;
  r.op = "multipart";
  r.query = {{"uploadId", upload_id}};
  EDGEPIX_ASSIGN_OR_RETURN(auto answer, client_.Send(r));
  if (!Is2xx(answer) && answer.status != 404) return ErrorFrom(answer, "AbortMultipartUpload");
  return Status::Ok();
}

}  // namespace edgepix::s3client
