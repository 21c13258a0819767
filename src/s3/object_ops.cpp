// PutObject, GetObject/HeadObject and DeleteObject.
#include <algorithm>
#include <memory>

#include "image/pipeline.h"
#include "jobs/job.h"
#include "jobs/retention.h"
#include "s3/aws_chunked.h"
#include "s3/checksums.h"
#include "s3/prefix_batches.h"
#include "s3/s3_call.h"

namespace edgepix::s3 {
namespace {

constexpr size_t kSniffBytes = 64;
constexpr const char* kChecksumAlgorithms[] = {"crc32", "crc32c", "sha256"};

bool IsHex64(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

std::optional<uint64_t> HeaderNumber(const httplib::Request& req, const char* name) {
  if (!req.has_header(name)) return std::nullopt;
  const std::string v = req.get_header_value(name);
  if (v.empty() || v.size() > 19 || !std::all_of(v.begin(), v.end(), ::isdigit))
    return std::nullopt;
  return std::stoull(v);
}

// Where the bytes of one PUT go: decided from the first bytes (an image
// becomes a job through Intake, anything else a plain blob).
class PutTarget {
 public:
  PutTarget(const S3Backends& b, uint64_t max_bytes, DigestSet digests)
      : b_(b), max_bytes_(max_bytes), digests_(digests) {}

  bool Write(const char* data, size_t size) {
    if (!failed_.ok()) return false;
    digests_.Update(data, size);
    if (!decided_) {
      head_.append(data, size);
      if (head_.size() < kSniffBytes) return true;
      return Decide();
    }
    return Append(data, size);
  }

  // The body ended: make sure the sink exists even for a tiny or empty body.
  Status Close() {
    if (!decided_) Decide();
    digests_.Finish();
    return failed_;
  }

  bool is_image() const { return upload_ != nullptr; }

  Result<ObjectRow> Commit(const std::string& key, const UploadTarget& batch) {
    ObjectRow row;
    if (upload_) {
      std::string filename =
          key.substr(key.rfind('/') == std::string::npos ? 0 : key.rfind('/') + 1);
      if (filename.size() > 200) filename.resize(200);
      EDGEPIX_ASSIGN_OR_RETURN(Job job, upload_->Finish(filename, batch));
      row.job_id = job.id;
      if (b_.workers) b_.workers->Wake();
    } else {
      EDGEPIX_RETURN_IF_ERROR(writer_->Commit());
      row.blob_id = blob_id_;
    }
    row.size = digests_.size();
    row.etag = "\"" + digests_.md5_hex() + "\"";
    row.last_modified = NowIso8601();
    return row;
  }

  const PayloadDigests& digests() const { return digests_; }

 private:
  bool Decide() {
    decided_ = true;
    if (image::SniffFormat(head_) != image::Format::kUnknown) {
      auto begun = b_.intake->Begin();
      if (!begun.ok()) return Failed(begun.status());
      upload_ = std::move(*begun);
    } else {
      blob_id_ = NewJobId();
      auto begun = b_.objects->BeginOriginal(blob_id_);
      if (!begun.ok()) return Failed(begun.status());
      writer_ = std::move(*begun);
    }
    std::string head = std::move(head_);
    return Append(head.data(), head.size());
  }

  bool Append(const char* data, size_t size) {
    if (size == 0) return true;
    bytes_ += size;
    if (bytes_ > max_bytes_) return Failed(Status::Error(ErrorCode::kTooLarge, "too large"));
    Status st = upload_ ? upload_->Append(data, size) : writer_->Append(data, size);
    return st.ok() || Failed(st);
  }

  bool Failed(Status st) {
    failed_ = std::move(st);
    return false;
  }

  const S3Backends& b_;
  uint64_t max_bytes_;
  bool decided_ = false;
  std::string head_;
  uint64_t bytes_ = 0;
  PayloadDigests digests_;
  std::unique_ptr<PendingUpload> upload_;
  std::unique_ptr<BlobWriter> writer_;
  std::string blob_id_;
  Status failed_;
};

// Removes what a replaced or deleted row pointed at (after the index changed).
void ForgetBytes(const S3Backends& b, const ObjectRow& row) {
  if (!row.blob_id.empty()) (void)b.objects->DeleteImage(row.blob_id);
  if (!row.job_id.empty()) (void)RemoveImage(b.jobs, b.images, b.notifier, row.job_id);
}

// x-amz-checksum-* values (headers, or aws-chunked trailers) against the bytes.
std::optional<S3Error> CheckChecksums(const PayloadDigests& d, const NameValues& sources) {
  for (const auto& [name, value] : sources) {
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    if (!lower.starts_with("x-amz-checksum-")) continue;
    std::string algorithm = lower.substr(15);
    if (std::find(std::begin(kChecksumAlgorithms), std::end(kChecksumAlgorithms), algorithm) ==
        std::end(kChecksumAlgorithms)) {
      continue;
    }
    if (d.Matches(algorithm, value) != true) {
      return S3Error{"BadDigest",
                     "The " + algorithm + " you specified did not match the calculated checksum.",
                     ""};
    }
  }
  return std::nullopt;
}

S3Error FromChunked(AwsChunkedDecoder::Error e, const std::string& message) {
  switch (e) {
    case AwsChunkedDecoder::Error::kSignatureDoesNotMatch:
      return {"SignatureDoesNotMatch",
              "The request signature we calculated does not match the signature you provided.", ""};
    case AwsChunkedDecoder::Error::kTooLong:
      return {"IncompleteBody", "The body is longer than x-amz-decoded-content-length.", ""};
    default:
      return {"IncompleteBody", "The aws-chunked body is malformed: " + message, ""};
  }
}

}  // namespace

void PutObject(S3Call& call, const httplib::ContentReader& reader) {
  const S3Backends& b = call.backends;
  if (call.key.size() > 1024) return call.Fail("KeyTooLongError", "Your key is too long");
  auto exists = b.index->BucketExists(call.bucket);
  if (!exists.ok()) return call.Fail(FromStatus(exists.status()));
  if (!*exists) return call.Fail("NoSuchBucket", "The specified bucket does not exist");

  const std::string& mode = call.auth.payload_hash;
  const bool chunked_signed = mode == kStreamingSigned;
  const bool chunked_unsigned = mode == kStreamingUnsignedTrailer;
  if (!chunked_signed && !chunked_unsigned && mode != kUnsignedPayload && !IsHex64(mode)) {
    return call.Fail("NotImplemented", "x-amz-content-sha256 '" + mode + "' is not supported");
  }
  const uint64_t max_bytes = b.intake->options().max_upload_bytes;
  std::optional<uint64_t> declared;
  if (chunked_signed || chunked_unsigned) {
    declared = HeaderNumber(call.req, "x-amz-decoded-content-length");
    if (!declared) {
      return call.Fail("MissingContentLength", "You must provide x-amz-decoded-content-length.");
    }
  } else {
    declared = HeaderNumber(call.req, "Content-Length");
  }
  if (declared && *declared > max_bytes)
    return call.Fail(FromStatus(Status::Error(ErrorCode::kTooLarge, "")));
  auto reservation = b.intake->Reserve(declared.value_or(0));
  if (!reservation.ok()) return call.Fail(FromStatus(reservation.status()));

  // Only the digests something will be checked against (MD5 is the ETag).
  auto named = [&](const char* algorithm) {
    const std::string header = std::string("x-amz-checksum-") + algorithm;
    std::string trailer = call.req.get_header_value("x-amz-trailer");
    std::transform(trailer.begin(), trailer.end(), trailer.begin(), ::tolower);
    return call.req.has_header(header.c_str()) || trailer.find(header) != std::string::npos;
  };
  DigestSet wanted;
  wanted.sha256 = IsHex64(mode) || named("sha256");
  wanted.crc32 = named("crc32");
  wanted.crc32c = named("crc32c");
  PutTarget target(b, max_bytes, wanted);
  std::unique_ptr<AwsChunkedDecoder> decoder;
  if (chunked_signed || chunked_unsigned) {
    std::optional<ChunkChain> chain;
    if (chunked_signed) {
      chain = ChunkChain{call.auth.signing_key, call.auth.amz_date, call.auth.scope,
                         call.auth.signature};
    }
    decoder = std::make_unique<AwsChunkedDecoder>(
        chain, *declared, [&](const char* d, size_t n) { return target.Write(d, n); });
  }
  bool complete = reader([&](const char* data, size_t size) {
    if (decoder) return decoder->Feed(data, size) == AwsChunkedDecoder::Error::kNone;
    return target.Write(data, size);
  });
  Status written = target.Close();
  if (!written.ok()) return call.Fail(FromStatus(written));
  if (decoder) {
    auto e = decoder->Finish();
    if (e == AwsChunkedDecoder::Error::kSink) return call.Fail(FromStatus(written));
    if (e != AwsChunkedDecoder::Error::kNone) return call.Fail(FromChunked(e, decoder->message()));
    if (decoder->decoded_bytes() != *declared) {
      return call.Fail("IncompleteBody", "The body is shorter than x-amz-decoded-content-length.");
    }
  } else if (!complete) {
    return call.Fail(
        "IncompleteBody",
        "You did not provide the number of bytes specified by the Content-Length HTTP header.");
  }
  const PayloadDigests& digests = target.digests();
  if (!digests.ok()) return call.Fail(FromStatus(Status::Error(ErrorCode::kInternal, "digest")));
  if (IsHex64(mode) && mode != digests.sha256_hex()) {
    return call.Fail(
        "XAmzContentSHA256Mismatch",
        "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  if (call.req.has_header("Content-MD5") &&
      call.req.get_header_value("Content-MD5") != digests.md5_base64()) {
    return call.Fail("BadDigest", "The Content-MD5 you specified did not match what we received.");
  }
  NameValues headers(call.req.headers.begin(), call.req.headers.end());
  if (auto bad = CheckChecksums(digests, headers)) return call.Fail(*bad);
  if (decoder) {
    if (auto bad = CheckChecksums(digests, decoder->trailers())) return call.Fail(*bad);
  }

  // --s3-complete-marker: an image joins its prefix's open batch (the lock
  // keeps a marker from closing it before the job is in).
  std::unique_lock<std::mutex> batch_lock;
  UploadTarget upload_target;
  if (b.prefix_batches && target.is_image()) {
    batch_lock = b.prefix_batches->Lock();
    auto batch = b.prefix_batches->OpenFor(call.bucket, KeyPrefix(call.key));
    if (!batch.ok()) return call.Fail(FromStatus(batch.status()));
    upload_target.batch_id = *batch;
  }
  auto committed = target.Commit(call.key, upload_target);
  if (batch_lock.owns_lock()) batch_lock.unlock();
  if (!committed.ok()) return call.Fail(FromStatus(committed.status()));
  ObjectRow row = std::move(*committed);
  row.bucket = call.bucket;
  row.key = call.key;
  row.content_type = call.req.get_header_value("Content-Type");
  auto previous = b.index->Put(row);
  if (!previous.ok()) {
    ForgetBytes(b, row);
    return call.Fail(FromStatus(previous.status()));
  }
  if (*previous) ForgetBytes(b, **previous);
  if (b.prefix_batches && !target.is_image() &&
      IsMarkerKey(call.key, call.options.complete_marker)) {
    auto lock = b.prefix_batches->Lock();
    auto closed = b.prefix_batches->Close(call.bucket, KeyPrefix(call.key));
    if (!closed.ok()) return call.Fail(FromStatus(closed.status()));
    if (*closed) call.res.set_header("x-edgepix-batch-id", (*closed)->id);
  }
  call.res.status = 200;
  call.res.set_header("ETag", row.etag);
  if (!row.job_id.empty()) call.res.set_header("x-edgepix-job-id", row.job_id);
  for (const char* algorithm : kChecksumAlgorithms) {
    std::string name = std::string("x-amz-checksum-") + algorithm;
    if (call.req.has_header(name.c_str()))
      call.res.set_header(name, call.req.get_header_value(name.c_str()));
  }
}

void GetObject(S3Call& call) {
  const S3Backends& b = call.backends;
  auto exists = b.index->BucketExists(call.bucket);
  if (!exists.ok()) return call.Fail(FromStatus(exists.status()));
  if (!*exists) return call.Fail("NoSuchBucket", "The specified bucket does not exist");
  auto row = b.index->Get(call.bucket, call.key);
  if (!row.ok()) return call.Fail(FromStatus(row.status()));

  std::unique_ptr<BlobReader> reader;
  std::string variant_data;
  ObjectRow meta;
  if (*row) {
    meta = **row;
    auto opened = meta.blob_id.empty() ? b.images->OpenOriginal(meta.job_id)
                                       : b.objects->OpenOriginal(meta.blob_id);
    if (!opened.ok()) {
      return call.Fail(opened.status().code() == ErrorCode::kNotFound
                           ? S3Error{"NoSuchKey", "The specified key does not exist.", ""}
                           : FromStatus(opened.status()));
    }
    reader = std::move(*opened);
  } else {
    auto split = SplitVariantKey(call.options.variant_key, call.key);
    std::optional<ObjectRow> original;
    if (split) {
      auto found = b.index->Get(call.bucket, split->first);
      if (found.ok() && *found && !(*found)->job_id.empty()) original = **found;
    }
    if (!original) return call.Fail("NoSuchKey", "The specified key does not exist.");
    auto job = b.jobs->Get(original->job_id);
    if (!job.ok() ||
        std::none_of(job->variants.begin(), job->variants.end(),
                     [&](const VariantRecord& v) { return v.name == split->second; })) {
      return call.Fail("NoSuchKey", "The specified key does not exist.");
    }
    auto data = b.images->ReadVariant(original->job_id, split->second);
    if (!data.ok()) return call.Fail("NoSuchKey", "The specified key does not exist.");
    variant_data = std::move(*data);
    meta.size = variant_data.size();
    meta.etag = VariantEtag(original->job_id, split->second);
    meta.content_type = "image/webp";
    meta.last_modified = job->updated_at;
  }

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

}  // namespace edgepix::s3
