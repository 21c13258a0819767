// PutObject, GetObject/HeadObject, DeleteObject, CopyObject, GetObjectTagging.
#include <algorithm>
#include <memory>

#include "s3/checksums.h"
#include "s3/put_target.h"
#include "s3/request_body.h"
#include "s3/s3_call.h"
#include "sigv4/uri_encode.h"

namespace edgepix::s3 {

void PutObject(S3Call& call, const httplib::ContentReader& reader) {
  const S3Backends& b = call.backends;
  if (call.key.size() > 1024) return call.Fail("KeyTooLongError", "Your key is too long");
  auto exists = b.index->BucketExists(call.bucket);
  if (!exists.ok()) return call.Fail(FromStatus(exists.status()));
  if (!*exists) return call.Fail("NoSuchBucket", "The specified bucket does not exist");

  auto plan = PlanBody(call);
  if (auto* e = std::get_if<S3Error>(&plan)) return call.Fail(*e);
  const BodyPlan& body = std::get<BodyPlan>(plan);
  const uint64_t max_bytes = b.intake->options().max_upload_bytes;
  if (body.declared && *body.declared > max_bytes)
    return call.Fail(FromStatus(Status::Error(ErrorCode::kTooLarge, "")));
  auto reservation = b.intake->Reserve(body.declared.value_or(0));
  if (!reservation.ok()) return call.Fail(FromStatus(reservation.status()));

  PutTarget target(b, max_bytes);
  PayloadDigests digests(body.wanted);
  if (auto bad = ReceiveBody(call, reader, body, target, digests)) return call.Fail(*bad);
  auto row = StoreObject(call, target, "\"" + digests.md5_hex() + "\"",
                         call.req.get_header_value("Content-Type"));
  if (row) EchoChecksumHeaders(call);
}

std::variant<ObjectSource, S3Error> OpenObject(const S3Call& call, const std::string& bucket,
                                               const std::string& key) {
  const S3Backends& b = call.backends;
  const S3Error no_key{"NoSuchKey", "The specified key does not exist.", ""};
  auto exists = b.index->BucketExists(bucket);
  if (!exists.ok()) return FromStatus(exists.status());
  if (!*exists) return S3Error{"NoSuchBucket", "The specified bucket does not exist", ""};
  auto row = b.index->Get(bucket, key);
  if (!row.ok()) return FromStatus(row.status());
  ObjectSource source;
  if (*row) {
    source.meta = **row;
    const ObjectRow& meta = source.meta;
    auto opened = meta.blob_id.empty() ? b.images->OpenOriginal(meta.job_id)
                                       : b.objects->OpenOriginal(meta.blob_id);
    if (!opened.ok()) {
      if (opened.status().code() == ErrorCode::kNotFound) return no_key;
      return FromStatus(opened.status());
    }
    source.reader = std::move(*opened);
    return source;
  }
  auto split = SplitVariantKey(call.options.variant_key, key);
  std::optional<ObjectRow> original;
  if (split) {
    auto found = b.index->Get(bucket, split->first);
    if (found.ok() && *found && !(*found)->job_id.empty()) original = **found;
  }
  if (!original) return no_key;
  auto job = b.jobs->Get(original->job_id);
  if (!job.ok() || std::none_of(job->variants.begin(), job->variants.end(),
                                [&](const VariantRecord& v) { return v.name == split->second; })) {
    return no_key;
  }
  auto data = b.images->ReadVariant(original->job_id, split->second);
  if (!data.ok()) return no_key;
  source.data = std::move(*data);
  source.meta.bucket = bucket;
  source.meta.key = key;
  source.meta.size = source.data.size();
  source.meta.etag = VariantEtag(original->job_id, split->second);
  source.meta.content_type = "image/webp";
  source.meta.last_modified = job->updated_at;
  return source;
}

void GetObject(S3Call& call) {
  auto opened = OpenObject(call, call.bucket, call.key);
  if (auto* e = std::get_if<S3Error>(&opened)) return call.Fail(*e);
  ObjectSource& source = std::get<ObjectSource>(opened);
  const ObjectRow& meta = source.meta;
  std::unique_ptr<BlobReader>& reader = source.reader;
  std::string& variant_data = source.data;

  const uint64_t size = meta.size;
  uint64_t first = 0, length = size;
  httplib::Response& res = call.res;
  if (call.ranges.size() == 1) {
    auto [a, z] = call.ranges[0];
    if (a < 0) {  // suffix: the last z bytes
      uint64_t n = std::min<uint64_t>(static_cast<uint64_t>(z), size);
      first = size - n;
      length = n;
    } else {
      first = static_cast<uint64_t>(a);
      uint64_t last = z < 0 ? size - 1 : std::min<uint64_t>(static_cast<uint64_t>(z), size - 1);
      if (first >= size || last < first) {
        res.set_header("Content-Range", "bytes */" + std::to_string(size));
        return call.Fail("InvalidRange", "The requested range is not satisfiable");
      }
      length = last - first + 1;
    }
    res.status = 206;
    res.set_header("Content-Range", "bytes " + std::to_string(first) + "-" +
                                        std::to_string(first + length - 1) + "/" +
                                        std::to_string(size));
  } else {
    res.status = 200;
  }
  res.set_header("ETag", meta.etag);
  res.set_header("Last-Modified", HttpDate(meta.last_modified));
  res.set_header("Accept-Ranges", "bytes");
  const std::string type = meta.content_type.empty() ? "binary/octet-stream" : meta.content_type;
  if (call.head() || length == 0) {
    res.set_header("Content-Type", type);
    res.set_header("Content-Length", std::to_string(length));
    return;
  }
  if (reader) {
    std::shared_ptr<BlobReader> shared(std::move(reader));
    res.set_content_provider(
        length, type, [shared, first](size_t offset, size_t n, httplib::DataSink& sink) {
          std::string chunk;
          size_t want = std::min<size_t>(n, 256 * 1024);
          if (!shared->ReadAt(first + offset, want, &chunk).ok() || chunk.empty()) {
            return false;
          }
          return sink.write(chunk.data(), chunk.size());
        });
  } else {
    res.set_content(variant_data.substr(first, length), type);
  }
}

void DeleteObject(S3Call& call) {
  const S3Backends& b = call.backends;
  auto exists = b.index->BucketExists(call.bucket);
  if (!exists.ok()) return call.Fail(FromStatus(exists.status()));
  if (!*exists) return call.Fail("NoSuchBucket", "The specified bucket does not exist");
  auto removed = b.index->Delete(call.bucket, call.key);
  if (!removed.ok()) return call.Fail(FromStatus(removed.status()));
  if (*removed) ForgetBytes(b, **removed);
  call.res.status = 204;
}

std::variant<std::pair<std::string, std::string>, S3Error> ParseCopySource(
    const std::string& header) {
  std::string source = header;
  const size_t version = source.find("?versionId=");
  if (version != std::string::npos) {
    if (source.substr(version + 11) != "null") {
      return S3Error{"InvalidArgument", "Versioning is not supported: versionId must be null", ""};
    }
    source.resize(version);
  }
  source = sigv4::PercentDecode(source, false);
  if (source.starts_with("/")) source.erase(0, 1);
  const size_t slash = source.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == source.size()) {
    return S3Error{"InvalidArgument", "Copy Source must mention the source bucket and key", ""};
  }
  return std::make_pair(source.substr(0, slash), source.substr(slash + 1));
}

void GetObjectTagging(S3Call& call) {
  auto opened = OpenObject(call, call.bucket, call.key);
  if (auto* e = std::get_if<S3Error>(&opened)) return call.Fail(*e);
  call.Xml(200, std::string(kXmlHead) + "<Tagging xmlns=\"" + kS3Namespace +
                    "\"><TagSet></TagSet></Tagging>");
}

void CopyObject(S3Call& call) {
  const S3Backends& b = call.backends;
  if (call.key.size() > 1024) return call.Fail("KeyTooLongError", "Your key is too long");
  auto exists = b.index->BucketExists(call.bucket);
  if (!exists.ok()) return call.Fail(FromStatus(exists.status()));
  if (!*exists) return call.Fail("NoSuchBucket", "The specified bucket does not exist");
  auto parsed = ParseCopySource(call.req.get_header_value("x-amz-copy-source"));
  if (auto* e = std::get_if<S3Error>(&parsed)) return call.Fail(*e);
  const auto& [src_bucket, src_key] = std::get<std::pair<std::string, std::string>>(parsed);
  const bool replace = call.req.get_header_value("x-amz-metadata-directive") == "REPLACE";
  if (src_bucket == call.bucket && src_key == call.key && !replace) {
    return call.Fail("InvalidRequest",
                     "This copy request is illegal because it is trying to copy an object to "
                     "itself without changing the object's metadata.");
  }
  auto opened = OpenObject(call, src_bucket, src_key);
  if (auto* e = std::get_if<S3Error>(&opened)) return call.Fail(*e);
  ObjectSource& from = std::get<ObjectSource>(opened);
  const uint64_t max_bytes = b.intake->options().max_upload_bytes;
  if (from.meta.size > max_bytes)
    return call.Fail(FromStatus(Status::Error(ErrorCode::kTooLarge, "")));
  auto reservation = b.intake->Reserve(from.meta.size);
  if (!reservation.ok()) return call.Fail(FromStatus(reservation.status()));

  PutTarget target(b, max_bytes);
  PayloadDigests digests(DigestSet{false, false, false});
  Status poured = Status::Ok();
  if (from.reader) {
    poured = Pour(*from.reader, 0, from.meta.size, target, &digests);
  } else {
    digests.Update(from.data.data(), from.data.size());
    target.Write(from.data.data(), from.data.size());
  }
  Status closed = target.Close();
  digests.Finish();
  if (!poured.ok()) return call.Fail(FromStatus(poured));
  if (!closed.ok()) return call.Fail(FromStatus(closed));
  const std::string content_type =
      replace ? call.req.get_header_value("Content-Type") : from.meta.content_type;
  auto row = StoreObject(call, target, "\"" + digests.md5_hex() + "\"", content_type,
                         ObjectChangeKind::kCopy);
  if (!row) return;
  call.Xml(200, std::string(kXmlHead) + "<CopyObjectResult xmlns=\"" + kS3Namespace +
                    "\"><LastModified>" + row->last_modified + "</LastModified><ETag>" +
                    XmlEscape(row->etag) + "</ETag></CopyObjectResult>");
}

}  // namespace edgepix::s3
