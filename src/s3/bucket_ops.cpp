// Bucket operations and listings: CreateBucket, HeadBucket, DeleteBucket,
// ListBuckets, ListObjectsV2 (with the variants of image objects), and
// GetBucketLocation.
#include <algorithm>

#include "s3/checksums.h"
#include "s3/s3_call.h"
#include "sigv4/uri_encode.h"

namespace edgepix::s3 {
namespace {

bool RequireBucket(S3Call& call) {
  auto exists = call.backends.index->BucketExists(call.bucket);
  if (!exists.ok()) {
    call.Fail(FromStatus(exists.status()));
    return false;
  }
  if (!*exists) {
    call.Fail("NoSuchBucket", "The specified bucket does not exist");
    return false;
  }
  return true;
}

}  // namespace

void CreateBucket(S3Call& call) {
  if (!ValidBucketName(call.bucket)) {
    return call.Fail("InvalidBucketName", "The specified bucket is not valid.");
  }
  Status st = call.backends.index->CreateBucket(call.bucket);
  if (st.code() == ErrorCode::kConflict) {
    return call.Fail(
        "BucketAlreadyOwnedByYou",
        "Your previous request to create the named bucket succeeded and you already own it.");
  }
  if (!st.ok()) return call.Fail(FromStatus(st));
  call.res.status = 200;
  call.res.set_header("Location", "/" + call.bucket);
}

void HeadBucket(S3Call& call) {
  if (!RequireBucket(call)) return;
  call.res.status = 200;
  call.res.set_header("x-amz-bucket-region", call.options.region);
}

void DeleteBucket(S3Call& call) {
  Status st = call.backends.index->DeleteBucket(call.bucket);
  if (st.code() == ErrorCode::kNotFound) {
    return call.Fail("NoSuchBucket", "The specified bucket does not exist");
  }
  if (st.code() == ErrorCode::kConflict) {
    return call.Fail("BucketNotEmpty", "The bucket you tried to delete is not empty");
  }
  if (!st.ok()) return call.Fail(FromStatus(st));
  call.res.status = 204;
}

void GetBucketLocation(S3Call& call) {
  if (!RequireBucket(call)) return;
  std::string region = call.options.region == "us-east-1" ? "" : call.options.region;
  call.Xml(200, std::string(kXmlHead) + "<LocationConstraint xmlns=\"" + kS3Namespace + "\">" +
                    XmlEscape(region) + "</LocationConstraint>");
}

void ListBuckets(S3Call& call) {
  auto buckets = call.backends.index->ListBuckets();
  if (!buckets.ok()) return call.Fail(FromStatus(buckets.status()));
  std::string xml = std::string(kXmlHead) + "<ListAllMyBucketsResult xmlns=\"" + kS3Namespace +
                    "\"><Owner><ID>edgepix</ID><DisplayName>edgepix</DisplayName></Owner><Buckets>";
  for (const auto& b : *buckets) {
    xml += "<Bucket><Name>" + XmlEscape(b.name) + "</Name><CreationDate>" + b.created_at +
           "</CreationDate></Bucket>";
  }
  xml += "</Buckets></ListAllMyBucketsResult>";
  call.Xml(200, xml);
}

void ListObjectsV2(S3Call& call) {
  if (!RequireBucket(call)) return;
  ListRequest request;
  request.prefix = call.Param("prefix");
  request.delimiter = call.Param("delimiter");
  const std::string token = call.Param("continuation-token");
  const std::string start_after = call.Param("start-after");
  const bool url = call.Param("encoding-type") == "url";
  if (call.HasParam("encoding-type") && !url) {
    return call.Fail("InvalidArgument", "Invalid Encoding Method specified in Request");
  }
  if (call.HasParam("max-keys")) {
    const std::string m = call.Param("max-keys");
    if (m.empty() || m.size() > 9 || !std::all_of(m.begin(), m.end(), ::isdigit)) {
      return call.Fail("InvalidArgument",
                       "Provided max-keys not an integer or within integer range");
    }
    request.max_keys = std::min(1000, std::stoi(m));
  }
  request.after = start_after;
  if (call.HasParam("continuation-token")) {
    auto decoded = Base64Decode(token);
    if (!decoded || decoded->empty()) {
      return call.Fail("InvalidArgument", "The continuation token provided is incorrect");
    }
    request.after = std::max(*decoded, start_after);
  }
  auto page = call.backends.index->List(call.bucket, request);
  if (!page.ok()) return call.Fail(FromStatus(page.status()));

  // The variants of image objects, listed beside their originals.
  std::vector<ObjectRow> objects = page->objects;
  for (const auto& row : page->objects) {
    if (row.job_id.empty()) continue;
    auto job = call.backends.jobs->Get(row.job_id);
    if (!job.ok()) continue;
    for (const auto& v : job->variants) {
      std::string key = VariantKey(call.options.variant_key, row.key, v.name);
      if (!key.starts_with(request.prefix) || key <= request.after) continue;
      if (!request.delimiter.empty() &&
          key.find(request.delimiter, request.prefix.size()) != std::string::npos) {
        continue;
      }
      ObjectRow variant;
      variant.key = key;
      variant.size = v.bytes;
      variant.etag = VariantEtag(row.job_id, v.name);
      variant.last_modified = job->updated_at;
      objects.push_back(std::move(variant));
    }
  }
  std::sort(objects.begin(), objects.end(),
            [](const ObjectRow& a, const ObjectRow& b) { return a.key < b.key; });

  auto enc = [url](const std::string& s) { return XmlEscape(url ? sigv4::UriEncode(s, true) : s); };
  std::string xml = std::string(kXmlHead) + "<ListBucketResult xmlns=\"" + kS3Namespace +
                    "\"><Name>" + XmlEscape(call.bucket) + "</Name><Prefix>" + enc(request.prefix) +
                    "</Prefix>";
  if (!request.delimiter.empty()) xml += "<Delimiter>" + enc(request.delimiter) + "</Delimiter>";
  xml += "<MaxKeys>" + std::to_string(request.max_keys) + "</MaxKeys>";
  xml +=
      "<KeyCount>" + std::to_string(objects.size() + page->common_prefixes.size()) + "</KeyCount>";
  xml += std::string("<IsTruncated>") + (page->truncated ? "true" : "false") + "</IsTruncated>";
  if (call.HasParam("continuation-token")) {
    xml += "<ContinuationToken>" + XmlEscape(token) + "</ContinuationToken>";
  }
  if (page->truncated) {
    xml += "<NextContinuationToken>" + XmlEscape(Base64Encode(page->last)) +
           "</NextContinuationToken>";
  }
  if (!start_after.empty()) xml += "<StartAfter>" + enc(start_after) + "</StartAfter>";
  if (url) xml += "<EncodingType>url</EncodingType>";
  for (const auto& o : objects) {
    xml += "<Contents><Key>" + enc(o.key) + "</Key><LastModified>" + o.last_modified +
           "</LastModified><ETag>" + XmlEscape(o.etag) + "</ETag><Size>" + std::to_string(o.size) +
           "</Size><StorageClass>STANDARD</StorageClass></Contents>";
  }
  for (const auto& p : page->common_prefixes) {
    xml += "<CommonPrefixes><Prefix>" + enc(p) + "</Prefix></CommonPrefixes>";
  }
  xml += "</ListBucketResult>";
  call.Xml(200, xml);
}

}  // namespace edgepix::s3
