#include "s3/request_body.h"

#include <algorithm>
#include <memory>

#include "s3/aws_chunked.h"

namespace edgepix::s3 {
namespace {

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

bool Chunked(const std::string& mode) {
  return mode == kStreamingSigned || mode == kStreamingUnsignedTrailer;
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

std::variant<BodyPlan, S3Error> PlanBody(const S3Call& call) {
  const std::string& mode = call.auth.payload_hash;
  if (!Chunked(mode) && mode != kUnsignedPayload && !IsHex64(mode)) {
    return S3Error{"NotImplemented", "x-amz-content-sha256 '" + mode + "' is not supported", ""};
  }
  BodyPlan plan;
  if (Chunked(mode)) {
    plan.declared = HeaderNumber(call.req, "x-amz-decoded-content-length");
    if (!plan.declared) {
      return S3Error{"MissingContentLength", "You must provide x-amz-decoded-content-length.", ""};
    }
  } else {
    plan.declared = HeaderNumber(call.req, "Content-Length");
  }
  // Only the digests something will be checked against (MD5 is the ETag).
  auto named = [&](const char* algorithm) {
    const std::string header = std::string("x-amz-checksum-") + algorithm;
    std::string trailer = call.req.get_header_value("x-amz-trailer");
    std::transform(trailer.begin(), trailer.end(), trailer.begin(), ::tolower);
    return call.req.has_header(header.c_str()) || trailer.find(header) != std::string::npos;
  };
  plan.wanted.sha256 = IsHex64(mode) || named("sha256");
  plan.wanted.crc32 = named("crc32");
  plan.wanted.crc32c = named("crc32c");
  return plan;
}

std::optional<S3Error> ReceiveBody(S3Call& call, const httplib::ContentReader& reader,
                                   const BodyPlan& plan, BodySink& sink, PayloadDigests& digests) {
  const std::string& mode = call.auth.payload_hash;
  auto write = [&](const char* d, size_t n) {
    digests.Update(d, n);
    return sink.Write(d, n);
  };
  std::unique_ptr<AwsChunkedDecoder> decoder;
  if (Chunked(mode)) {
    std::optional<ChunkChain> chain;
    if (mode == kStreamingSigned) {
      chain = ChunkChain{call.auth.signing_key, call.auth.amz_date, call.auth.scope,
                         call.auth.signature};
    }
    decoder = std::make_unique<AwsChunkedDecoder>(chain, *plan.declared, write);
  }
  bool complete = reader([&](const char* data, size_t size) {
    if (decoder) return decoder->Feed(data, size) == AwsChunkedDecoder::Error::kNone;
    return write(data, size);
  });
  Status written = sink.Close();
  digests.Finish();
  if (!written.ok()) return FromStatus(written);
  if (decoder) {
    auto e = decoder->Finish();
    if (e == AwsChunkedDecoder::Error::kSink) return FromStatus(written);
    if (e != AwsChunkedDecoder::Error::kNone) return FromChunked(e, decoder->message());
    if (decoder->decoded_bytes() != *plan.declared) {
      return S3Error{"IncompleteBody", "The body is shorter than x-amz-decoded-content-length.",
                     ""};
    }
  } else if (!complete) {
    return S3Error{
        "IncompleteBody",
        "You did not provide the number of bytes specified by the Content-Length HTTP header.", ""};
  }
  if (!digests.ok()) return FromStatus(Status::Error(ErrorCode::kInternal, "digest"));
  if (IsHex64(mode) && mode != digests.sha256_hex()) {
    return S3Error{"XAmzContentSHA256Mismatch",
                   "The provided 'x-amz-content-sha256' header does not match what was computed.",
                   ""};
  }
  if (call.req.has_header("Content-MD5") &&
      call.req.get_header_value("Content-MD5") != digests.md5_base64()) {
    return S3Error{"BadDigest", "The Content-MD5 you specified did not match what we received.",
                   ""};
  }
  NameValues headers(call.req.headers.begin(), call.req.headers.end());
  if (auto bad = CheckChecksums(digests, headers)) return bad;
  if (decoder) {
    if (auto bad = CheckChecksums(digests, decoder->trailers())) return bad;
  }
  return std::nullopt;
}

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

void EchoChecksumHeaders(S3Call& call) {
  for (const char* algorithm : kChecksumAlgorithms) {
    std::string name = std::string("x-amz-checksum-") + algorithm;
    if (call.req.has_header(name.c_str()))
      call.res.set_header(name, call.req.get_header_value(name.c_str()));
  }
}

}  // namespace edgepix::s3
