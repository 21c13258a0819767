#include "s3/aws_chunked.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include "http/crypto.h"
#include "jobs/sha256.h"

namespace edgepix::s3 {
namespace {

constexpr size_t kMaxLine = 4096;
constexpr std::string_view kSignatureParam = "chunk-signature=";

}  // namespace

struct AwsChunkedDecoder::Hash {
  std::unique_ptr<Sha256> sha;
};

std::string ChunkStringToSign(const ChunkChain& chain, std::string_view previous_signature,
                              std::string_view chunk_sha256_hex) {
  std::string out = "AWS4-HMAC-SHA256-PAYLOAD\n";
  out.append(chain.amz_date).append("\n").append(chain.scope.Text()).append("\n");
  out.append(previous_signature).append("\n").append(kEmptySha256).append("\n");
  out.append(chunk_sha256_hex);
  return out;
}

AwsChunkedDecoder::AwsChunkedDecoder(std::optional<ChunkChain> chain, uint64_t max_decoded_bytes,
                                     Sink sink)
    : chain_(std::move(chain)),
      max_decoded_(max_decoded_bytes),
      sink_(std::move(sink)),
      hash_(std::make_unique<Hash>()) {
  if (chain_) previous_signature_ = chain_->seed_signature;
}

AwsChunkedDecoder::~AwsChunkedDecoder() = default;

AwsChunkedDecoder::Error AwsChunkedDecoder::Fail(Error e, std::string message) {
  error_ = e;
  message_ = std::move(message);
  return e;
}

AwsChunkedDecoder::Error AwsChunkedDecoder::OnSizeLine(std::string_view line) {
  std::string_view size_text = line.substr(0, line.find(';'));
  if (size_text.empty() || size_text.size() > 15 ||
      !std::all_of(size_text.begin(), size_text.end(),
                   [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); })) {
    return Fail(Error::kMalformed, "malformed aws-chunked size line");
  }
  remaining_ = std::stoull(std::string(size_text), nullptr, 16);
  claimed_signature_.clear();
  if (chain_) {
    size_t at = line.find(kSignatureParam);
    if (at == std::string_view::npos)
      return Fail(Error::kMalformed, "chunk without chunk-signature");
    claimed_signature_ = std::string(line.substr(at + kSignatureParam.size()));
    auto sha = Sha256::Create();
    if (!sha.ok()) return Fail(Error::kMalformed, "SHA-256 unavailable");
    hash_->sha = std::move(sha).value();
  }
  if (decoded_ + remaining_ > max_decoded_)
    return Fail(Error::kTooLong, "body longer than allowed");
  last_chunk_ = remaining_ == 0;
  if (last_chunk_) {
    Error e = EndChunk();
    if (e != Error::kNone) return e;
    state_ = State::kTrailer;
  } else {
    state_ = State::kData;
  }
  return Error::kNone;
}

AwsChunkedDecoder::Error AwsChunkedDecoder::EndChunk() {
  if (!chain_) return Error::kNone;
  std::string digest = hash_->sha->HexDigest();
  std::string expected =
      HexSignature(chain_->signing_key, ChunkStringToSign(*chain_, previous_signature_, digest));
  if (!http::ConstantTimeEquals(expected, claimed_signature_)) {
    return Fail(Error::kSignatureDoesNotMatch, "chunk signature does not match");
  }
  previous_signature_ = expected;
  return Error::kNone;
}

AwsChunkedDecoder::Error AwsChunkedDecoder::Feed(const char* data, size_t size) {
  if (error_ != Error::kNone) return error_;
  size_t i = 0;
  while (i < size) {
    switch (state_) {
      case State::kSizeLine:
      case State::kTrailer: {
        const char* nl = static_cast<const char*>(memchr(data + i, '\n', size - i));
        size_t take = nl ? static_cast<size_t>(nl - (data + i)) + 1 : size - i;
        line_.append(data + i, take);
        i += take;
        if (line_.size() > kMaxLine) return Fail(Error::kMalformed, "aws-chunked line too long");
        if (!nl) break;
        if (line_.size() < 2 || line_[line_.size() - 2] != '\r') {
          return Fail(Error::kMalformed, "aws-chunked line without CRLF");
        }
        std::string line = line_.substr(0, line_.size() - 2);
        line_.clear();
        if (state_ == State::kSizeLine) {
          Error e = OnSizeLine(line);
          if (e != Error::kNone) return e;
        } else if (line.empty()) {
          state_ = State::kDone;
        } else {
          size_t colon = line.find(':');
          if (colon == std::string::npos) return Fail(Error::kMalformed, "malformed trailer");
          trailers_.emplace_back(line.substr(0, colon),
                                 CanonicalHeaderValue(line.substr(colon + 1)));
        }
        break;
      }
      case State::kData: {
        size_t take = static_cast<size_t>(std::min<uint64_t>(remaining_, size - i));
        if (chain_) hash_->sha->Update(data + i, take);
        if (!sink_(data + i, take)) return Fail(Error::kSink, "write failed");
        decoded_ += take;
        remaining_ -= take;
        i += take;
        if (remaining_ == 0) state_ = State::kDataEnd;
        break;
      }
      case State::kDataEnd: {
        line_.push_back(data[i++]);
        if (line_.size() == 2) {
          if (line_ != "\r\n") return Fail(Error::kMalformed, "chunk data longer than its size");
          line_.clear();
          Error e = EndChunk();
          if (e != Error::kNone) return e;
          state_ = State::kSizeLine;
        }
        break;
      }
      case State::kDone:
        return Fail(Error::kMalformed, "bytes after the final aws-chunked chunk");
    }
  }
  return Error::kNone;
}

AwsChunkedDecoder::Error AwsChunkedDecoder::Finish() {
  if (error_ != Error::kNone) return error_;
  // Some clients end right after the trailers without the closing empty line.
  if (state_ == State::kTrailer && line_.empty() && last_chunk_) state_ = State::kDone;
  if (state_ != State::kDone) return Fail(Error::kMalformed, "the aws-chunked body ended early");
  return Error::kNone;
}

}  // namespace edgepix::s3
