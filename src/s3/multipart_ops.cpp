// Multipart uploads: CreateMultipartUpload, UploadPart, UploadPartCopy, CompleteMultipartUpload,
// AbortMultipartUpload, ListParts and ListMultipartUploads.
//
// Parts are blobs of the staging store (S3Backends::parts), recorded in
// MultipartIndex once durable. Completing pours the listed parts, in order,
// through the same PutTarget and StoreObject as a PutObject (an image becomes
// a job, the same limits hold), then removes the upload and every part.
#include <algorithm>
#include <memory>

#include "jobs/intake.h"
#include "jobs/job.h"
#include "s3/checksums.h"
#include "s3/multipart_index.h"
#include "s3/multipart_xml.h"
#include "s3/put_target.h"
#include "s3/request_body.h"
#include "s3/s3_call.h"
#include "sigv4/uri_encode.h"

namespace edgepix::s3 {
namespace {

// S3's minimum size of every part but the last.
constexpr uint64_t kMinPartBytes = 5ull << 20;
constexpr int kMaxPartNumber = 10000;

const char* const kNoSuchUpload =
    "The specified upload does not exist. The upload ID may be invalid, or the upload may have "
    "been aborted or completed.";

bool RequireMultipart(S3Call& call) {
  if (call.backends.uploads && call.backends.parts) return true;
  call.Fail("NotImplemented", "Multipart uploads are not enabled");
  return false;
}

// The upload named by ?uploadId=, which must be this bucket's and key's.
std::optional<UploadRow> RequireUpload(S3Call& call) {
  if (!RequireMultipart(call)) return std::nullopt;
  auto upload = call.backends.uploads->Get(call.Param("uploadId"));
  if (!upload.ok()) {
    call.Fail(FromStatus(upload.status()));
    return std::nullopt;
  }
  if (!*upload || (*upload)->bucket != call.bucket || (*upload)->key != call.key) {
    call.Fail("NoSuchUpload", kNoSuchUpload);
    return std::nullopt;
  }
  return **upload;
}

// A non-negative integer query parameter (`fallback` when absent); nullopt
// after answering InvalidArgument.
std::optional<int> IntParam(S3Call& call, const char* name, int fallback, int max) {
  if (!call.HasParam(name)) return fallback;
  const std::string v = call.Param(name);
  if (v.empty() || v.size() > 9 || !std::all_of(v.begin(), v.end(), ::isdigit)) {
    call.Fail("InvalidArgument",
              std::string("Provided ") + name + " not an integer or within integer range");
    return std::nullopt;
  }
  return std::min(max, std::stoi(v));
}

// The part's bytes, streamed to a blob of the staging store.
class PartSink : public BodySink {
 public:
  PartSink(std::unique_ptr<BlobWriter> writer, uint64_t max_bytes)
      : writer_(std::move(writer)), max_bytes_(max_bytes) {}
  bool Write(const char* data, size_t size) override {
    if (!failed_.ok()) return false;
    bytes_ += size;
    if (bytes_ > max_bytes_) failed_ = Status::Error(ErrorCode::kTooLarge, "too large");
    if (failed_.ok()) failed_ = writer_->Append(data, size);
    return failed_.ok();
  }
  Status Close() override { return failed_; }
  Status Commit() { return writer_->Commit(); }
  uint64_t bytes() const { return bytes_; }

 private:
  std::unique_ptr<BlobWriter> writer_;
  uint64_t max_bytes_;
  uint64_t bytes_ = 0;
  Status failed_;
};

void DeleteParts(const S3Backends& b, const std::vector<PartRow>& parts) {
  for (const auto& p : parts) (void)b.parts->DeleteImage(p.blob_id);
}

std::string Owner() { return "<ID>edgepix</ID><DisplayName>edgepix</DisplayName>"; }

// Holds MultipartIndex::Claim for one request.
class ClaimGuard {
 public:
  ClaimGuard(MultipartIndex* index, std::string id)
      : index_(index), id_(std::move(id)), held_(index->Claim(id_)) {}
  ~ClaimGuard() {
    if (held_) index_->Unclaim(id_);
  }
  ClaimGuard(const ClaimGuard&) = delete;
  ClaimGuard& operator=(const ClaimGuard&) = delete;
  bool held() const { return held_; }

 private:
  MultipartIndex* index_;
  std::string id_;
  bool held_;
};

// ?partNumber= of UploadPart and UploadPartCopy; nullopt after answering.
std::optional<int> PartNumber(S3Call& call) {
  const std::string n = call.Param("partNumber");
  if (n.empty() || n.size() > 5 || !std::all_of(n.begin(), n.end(), ::isdigit) ||
      std::stoi(n) < 1 || std::stoi(n) > kMaxPartNumber) {
    call.Fail("InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive");
    return std::nullopt;
  }
  return std::stoi(n);
}

// A new part's room and disk: what --max-upload-mb leaves beside the upload's
// other parts (`declared` bytes must fit), and a reservation of `declared`
// plus every part staged (they will be copied once more when completed, so
// they count against --min-free-mb). nullopt after answering.
std::optional<std::pair<uint64_t, std::unique_ptr<DiskReservation>>> MakeRoom(
    S3Call& call, const UploadRow& upload, int number, std::optional<uint64_t> declared) {
  const S3Backends& b = call.backends;
  const uint64_t max_bytes = b.intake->options().max_upload_bytes;
  auto others = b.uploads->UploadBytes(upload.upload_id, number);
  if (!others.ok()) {
    call.Fail(FromStatus(others.status()));
    return std::nullopt;
  }
  const uint64_t room = *others >= max_bytes ? 0 : max_bytes - *others;
  if (declared && *declared > room) {
    call.Fail(FromStatus(Status::Error(ErrorCode::kTooLarge, "")));
    return std::nullopt;
  }
  auto staged = b.uploads->PartBytes();
  if (!staged.ok()) {
    call.Fail(FromStatus(staged.status()));
    return std::nullopt;
  }
  auto reservation = b.intake->Reserve(declared.value_or(0) + *staged);
  if (!reservation.ok()) {
    call.Fail(FromStatus(reservation.status()));
    return std::nullopt;
  }
  return std::make_pair(room, std::move(*reservation));
}

// A new part: its row (a fresh blob id) and its staging writer, bounded by
// `max_bytes`. nullopt after answering.
struct NewPart {
  PartRow row;
  PartSink sink;
};
std::optional<NewPart> StartPart(S3Call& call, const UploadRow& upload, int number,
                                 uint64_t max_bytes) {
  PartRow part;
  part.upload_id = upload.upload_id;
  part.part_number = number;
  part.blob_id = NewJobId();
  auto writer = call.backends.parts->BeginOriginal(part.blob_id);
  if (!writer.ok()) {
    call.Fail(FromStatus(writer.status()));
    return std::nullopt;
  }
  return NewPart{std::move(part), PartSink(std::move(*writer), max_bytes)};
}

// Makes the part's blob durable, then records it (replacing a part of the
// same number, whose blob goes). False after answering the error.
bool SavePart(S3Call& call, PartSink& sink, PartRow& part, const PayloadDigests& digests) {
  const S3Backends& b = call.backends;
  if (Status st = sink.Commit(); !st.ok()) {
    call.Fail(FromStatus(st));
    return false;
  }
  part.size = sink.bytes();
  part.etag = "\"" + digests.md5_hex() + "\"";
  part.last_modified = NowIso8601();
  auto previous = b.uploads->PutPart(part);
  if (!previous.ok()) {
    (void)b.parts->DeleteImage(part.blob_id);
    if (previous.status().code() == ErrorCode::kNotFound) {
      call.Fail("NoSuchUpload", kNoSuchUpload);
    } else {
      call.Fail(FromStatus(previous.status()));
    }
    return false;
  }
  if (*previous) (void)b.parts->DeleteImage((*previous)->blob_id);
  return true;
}

}  // namespace

void CreateMultipartUpload(S3Call& call) {
  if (!RequireMultipart(call)) return;
  if (call.key.size() > 1024) return call.Fail("KeyTooLongError", "Your key is too long");
  UploadRow upload;
  upload.upload_id = NewJobId();
  upload.bucket = call.bucket;
  upload.key = call.key;
  upload.content_type = call.req.get_header_value("Content-Type");
  upload.initiated = NowIso8601();
  Status st = call.backends.uploads->Create(upload);
  if (st.code() == ErrorCode::kNotFound) {
    return call.Fail("NoSuchBucket", "The specified bucket does not exist");
  }
  if (!st.ok()) return call.Fail(FromStatus(st));
  call.Xml(200, std::string(kXmlHead) + "<InitiateMultipartUploadResult xmlns=\"" + kS3Namespace +
                    "\"><Bucket>" + XmlEscape(call.bucket) + "</Bucket><Key>" +
                    XmlEscape(call.key) + "</Key><UploadId>" + upload.upload_id +
                    "</UploadId></InitiateMultipartUploadResult>");
}

void UploadPart(S3Call& call, const httplib::ContentReader& reader) {
  auto number = PartNumber(call);
  if (!number) return;
  auto upload = RequireUpload(call);
  if (!upload) return;
  auto plan = PlanBody(call);
  if (auto* e = std::get_if<S3Error>(&plan)) return call.Fail(*e);
  const BodyPlan& body = std::get<BodyPlan>(plan);
  auto room = MakeRoom(call, *upload, *number, body.declared);
  if (!room) return;

  auto started = StartPart(call, *upload, *number, room->first);
  if (!started) return;
  PartRow& part = started->row;
  PartSink& sink = started->sink;
  PayloadDigests digests(body.wanted);
  if (auto bad = ReceiveBody(call, reader, body, sink, digests)) return call.Fail(*bad);
  if (!SavePart(call, sink, part, digests)) return;
  call.res.status = 200;
  call.res.set_header("ETag", part.etag);
  EchoChecksumHeaders(call);
}

void UploadPartCopy(S3Call& call) {
  auto number = PartNumber(call);
  if (!number) return;
  auto upload = RequireUpload(call);
  if (!upload) return;
  auto parsed = ParseCopySource(call.req.get_header_value("x-amz-copy-source"));
  if (auto* e = std::get_if<S3Error>(&parsed)) return call.Fail(*e);
  const auto& [src_bucket, src_key] = std::get<std::pair<std::string, std::string>>(parsed);
  auto opened = OpenObject(call, src_bucket, src_key);
  if (auto* e = std::get_if<S3Error>(&opened)) return call.Fail(*e);
  ObjectSource& from = std::get<ObjectSource>(opened);
  // x-amz-copy-source-range: bytes=first-last (inclusive), else the whole object.
  uint64_t first = 0, length = from.meta.size;
  if (call.req.has_header("x-amz-copy-source-range")) {
    const std::string range = call.req.get_header_value("x-amz-copy-source-range");
    unsigned long long a = 0, z = 0;
    int used = 0;
    if (std::sscanf(range.c_str(), "bytes=%llu-%llu%n", &a, &z, &used) != 2 ||
        static_cast<size_t>(used) != range.size() || z < a) {
      return call.Fail("InvalidArgument",
                       "The x-amz-copy-source-range value must be of the form bytes=first-last "
                       "where first and last are the zero-based offsets of the first and last "
                       "bytes to copy");
    }
    if (z >= from.meta.size) {
      return call.Fail("InvalidRange", "The requested range is not satisfiable");
    }
    first = a;
    length = z - a + 1;
  }
  auto room = MakeRoom(call, *upload, *number, length);
  if (!room) return;

  auto started = StartPart(call, *upload, *number, room->first);
  if (!started) return;
  PartRow& part = started->row;
  PartSink& sink = started->sink;
  PayloadDigests digests(DigestSet{false, false, false});
  Status poured = Status::Ok();
  if (from.reader) {
    poured = Pour(*from.reader, first, length, sink, &digests);
  } else {
    digests.Update(from.data.data() + first, length);
    sink.Write(from.data.data() + first, length);
  }
  digests.Finish();
  if (poured.ok()) poured = sink.Close();
  if (!poured.ok()) return call.Fail(FromStatus(poured));
  if (!SavePart(call, sink, part, digests)) return;
  call.Xml(200, std::string(kXmlHead) + "<CopyPartResult xmlns=\"" + kS3Namespace +
                    "\"><LastModified>" + part.last_modified + "</LastModified><ETag>" +
                    XmlEscape(part.etag) + "</ETag></CopyPartResult>");
}

void CompleteMultipartUpload(S3Call& call) {
  const S3Backends& b = call.backends;
  auto upload = RequireUpload(call);
  if (!upload) return;
  // The body was read whole by the server: check what the request was signed with.
  const std::string& body = call.req.body;
  PayloadDigests body_digests(DigestSet{true, false, false});
  body_digests.Update(body.data(), body.size());
  body_digests.Finish();
  const std::string& mode = call.auth.payload_hash;
  if (mode.size() == 64 && mode != body_digests.sha256_hex()) {
    return call.Fail(
        "XAmzContentSHA256Mismatch",
        "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  if (call.req.has_header("Content-MD5") &&
      call.req.get_header_value("Content-MD5") != body_digests.md5_base64()) {
    return call.Fail("BadDigest", "The Content-MD5 you specified did not match what we received.");
  }
  auto listed = ParseCompleteMultipartUpload(body);
  if (!listed) {
    return call.Fail("MalformedXML",
                     "The XML you provided was not well-formed or did not validate against our "
                     "published schema");
  }
  for (size_t i = 1; i < listed->size(); ++i) {
    if ((*listed)[i].number <= (*listed)[i - 1].number) {
      return call.Fail("InvalidPartOrder",
                       "The list of parts was not in ascending order. The parts list must be "
                       "specified in order by part number.");
    }
  }
  ClaimGuard claim(b.uploads, upload->upload_id);
  if (!claim.held()) {
    return call.Fail("OperationAborted",
                     "A conflicting conditional operation is currently in progress against this "
                     "resource. Please try again.");
  }
  auto stored = b.uploads->Parts(upload->upload_id);
  if (!stored.ok()) return call.Fail(FromStatus(stored.status()));
  std::vector<const PartRow*> chosen;
  std::vector<std::string> md5s;
  uint64_t total = 0;
  for (size_t i = 0; i < listed->size(); ++i) {
    const CompletedPart& want = (*listed)[i];
    auto it = std::find_if(stored->begin(), stored->end(),
                           [&](const PartRow& p) { return p.part_number == want.number; });
    std::string etag = it == stored->end() ? "" : it->etag.substr(1, it->etag.size() - 2);
    std::string sent = want.etag;
    std::transform(sent.begin(), sent.end(), sent.begin(), ::tolower);
    if (it == stored->end() || etag != sent) {
      return call.Fail("InvalidPart",
                       "One or more of the specified parts could not be found. The part may not "
                       "have been uploaded, or the specified entity tag may not have matched the "
                       "part's entity tag.");
    }
    if (i + 1 < listed->size() && it->size < kMinPartBytes) {
      return call.Fail("EntityTooSmall",
                       "Your proposed upload is smaller than the minimum allowed object size.");
    }
    chosen.push_back(&*it);
    md5s.push_back(etag);
    total += it->size;
  }
  const uint64_t max_bytes = b.intake->options().max_upload_bytes;
  if (total > max_bytes) return call.Fail(FromStatus(Status::Error(ErrorCode::kTooLarge, "")));
  auto reservation = b.intake->Reserve(total);
  if (!reservation.ok()) return call.Fail(FromStatus(reservation.status()));

  PutTarget target(b, max_bytes);
  Status poured = Status::Ok();
  for (const PartRow* p : chosen) {
    auto reader = b.parts->OpenOriginal(p->blob_id);
    if (!reader.ok()) {
      poured = reader.status();
      break;
    }
    poured = Pour(**reader, 0, p->size, target, nullptr);
    if (!poured.ok()) break;
  }
  Status closed = target.Close();
  if (!poured.ok()) return call.Fail(FromStatus(poured));
  if (!closed.ok()) return call.Fail(FromStatus(closed));
  auto row = StoreObject(call, target, MultipartEtag(md5s), upload->content_type,
                         ObjectChangeKind::kCompleteMultipartUpload);
  if (!row) return;
  auto removed = b.uploads->Remove(upload->upload_id);
  if (removed.ok() && *removed) DeleteParts(b, **removed);
  const std::string location =
      "/" + sigv4::UriEncode(call.bucket, false) + "/" + sigv4::UriEncode(call.key, true);
  call.Xml(200, std::string(kXmlHead) + "<CompleteMultipartUploadResult xmlns=\"" + kS3Namespace +
                    "\"><Location>" + XmlEscape(location) + "</Location><Bucket>" +
                    XmlEscape(call.bucket) + "</Bucket><Key>" + XmlEscape(call.key) +
                    "</Key><ETag>" + XmlEscape(row->etag) +
                    "</ETag></CompleteMultipartUploadResult>");
}

void AbortMultipartUpload(S3Call& call) {
  auto upload = RequireUpload(call);
  if (!upload) return;
  ClaimGuard claim(call.backends.uploads, upload->upload_id);
  if (!claim.held()) {
    return call.Fail("OperationAborted",
                     "A conflicting conditional operation is currently in progress against this "
                     "resource. Please try again.");
  }
  auto removed = call.backends.uploads->Remove(upload->upload_id);
  if (!removed.ok()) return call.Fail(FromStatus(removed.status()));
  if (*removed) DeleteParts(call.backends, **removed);
  call.res.status = 204;
}

void ListParts(S3Call& call) {
  auto upload = RequireUpload(call);
  if (!upload) return;
  auto max = IntParam(call, "max-parts", 1000, 1000);
  if (!max) return;
  auto marker = IntParam(call, "part-number-marker", 0, kMaxPartNumber);
  if (!marker) return;
  auto parts = call.backends.uploads->Parts(upload->upload_id, *marker, *max);
  if (!parts.ok()) return call.Fail(FromStatus(parts.status()));
  const bool truncated = static_cast<int>(parts->size()) > *max;
  if (truncated) parts->resize(*max);
  const int next = parts->empty() ? 0 : parts->back().part_number;
  std::string xml =
      std::string(kXmlHead) + "<ListPartsResult xmlns=\"" + kS3Namespace + "\"><Bucket>" +
      XmlEscape(call.bucket) + "</Bucket><Key>" + XmlEscape(call.key) + "</Key><UploadId>" +
      upload->upload_id + "</UploadId><Initiator>" + Owner() + "</Initiator><Owner>" + Owner() +
      "</Owner><StorageClass>STANDARD</StorageClass><PartNumberMarker>" + std::to_string(*marker) +
      "</PartNumberMarker><NextPartNumberMarker>" + std::to_string(next) +
      "</NextPartNumberMarker><MaxParts>" + std::to_string(*max) + "</MaxParts><IsTruncated>" +
      (truncated ? "true" : "false") + "</IsTruncated>";
  for (const auto& p : *parts) {
    xml += "<Part><PartNumber>" + std::to_string(p.part_number) + "</PartNumber><LastModified>" +
           p.last_modified + "</LastModified><ETag>" + XmlEscape(p.etag) + "</ETag><Size>" +
           std::to_string(p.size) + "</Size></Part>";
  }
  call.Xml(200, xml + "</ListPartsResult>");
}

void ListMultipartUploads(S3Call& call) {
  if (!RequireMultipart(call)) return;
  auto exists = call.backends.index->BucketExists(call.bucket);
  if (!exists.ok()) return call.Fail(FromStatus(exists.status()));
  if (!*exists) return call.Fail("NoSuchBucket", "The specified bucket does not exist");
  UploadListRequest request;
  request.prefix = call.Param("prefix");
  request.key_marker = call.Param("key-marker");
  if (!request.key_marker.empty()) request.upload_id_marker = call.Param("upload-id-marker");
  auto max = IntParam(call, "max-uploads", 1000, 1000);
  if (!max) return;
  request.max_uploads = *max;
  const bool url = call.Param("encoding-type") == "url";
  if (call.HasParam("encoding-type") && !url) {
    return call.Fail("InvalidArgument", "Invalid Encoding Method specified in Request");
  }
  auto uploads = call.backends.uploads->List(call.bucket, request);
  if (!uploads.ok()) return call.Fail(FromStatus(uploads.status()));
  const bool truncated = static_cast<int>(uploads->size()) > *max;
  if (truncated) uploads->resize(*max);
  auto enc = [url](const std::string& s) { return XmlEscape(url ? sigv4::UriEncode(s, true) : s); };
  std::string xml = std::string(kXmlHead) + "<ListMultipartUploadsResult xmlns=\"" + kS3Namespace +
                    "\"><Bucket>" + XmlEscape(call.bucket) + "</Bucket><KeyMarker>" +
                    enc(request.key_marker) + "</KeyMarker><UploadIdMarker>" +
                    XmlEscape(request.upload_id_marker) + "</UploadIdMarker>";
  if (truncated) {
    xml += "<NextKeyMarker>" + enc(uploads->back().key) + "</NextKeyMarker><NextUploadIdMarker>" +
           uploads->back().upload_id + "</NextUploadIdMarker>";
  }
  xml += "<Prefix>" + enc(request.prefix) + "</Prefix><MaxUploads>" + std::to_string(*max) +
         "</MaxUploads><IsTruncated>" + (truncated ? "true" : "false") + "</IsTruncated>";
  if (url) xml += "<EncodingType>url</EncodingType>";
  for (const auto& u : *uploads) {
    xml += "<Upload><Key>" + enc(u.key) + "</Key><UploadId>" + u.upload_id +
           "</UploadId><Initiator>" + Owner() + "</Initiator><Owner>" + Owner() +
           "</Owner><StorageClass>STANDARD</StorageClass><Initiated>" + u.initiated +
           "</Initiated></Upload>";
  }
  call.Xml(200, xml + "</ListMultipartUploadsResult>");
}

}  // namespace edgepix::s3
