// The aws-chunked body framing S3 clients stream uploads in (the HTTP layer has
// already removed any Transfer-Encoding: chunked; this is the inner framing):
//
//   <hex-size>[;chunk-signature=<64 hex>]\r\n<bytes>\r\n ... 0[;...]\r\n
//   [trailer-name:value\r\n ...]\r\n
//
// Signed mode (STREAMING-AWS4-HMAC-SHA256-PAYLOAD) verifies each chunk's
// signature against the chain started by the request's seed signature; a
// chunk is handed to the sink as it arrives, so a caller must not commit the
// bytes before Finish() reports kNone. Unsigned mode
// (STREAMING-UNSIGNED-PAYLOAD-TRAILER) only parses and collects the trailers
// (the caller checks x-amz-checksum-* against its own digests).
//
// One decoder per request body, used by one thread. Lines are bounded
// (4 KiB), so hostile framing cannot make it buffer without limit.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "s3/sigv4.h"

namespace edgepix::s3 {

// What a chunk signature depends on besides the chunk.
struct ChunkChain {
  std::string signing_key;
  std::string amz_date;
  Scope scope;
  std::string seed_signature;
};

// "AWS4-HMAC-SHA256-PAYLOAD\n<date>\n<scope>\n<previous>\n<hash(\"\")>\n<hash(chunk)>"
std::string ChunkStringToSign(const ChunkChain& chain, std::string_view previous_signature,
                              std::string_view chunk_sha256_hex);

class AwsChunkedDecoder {
 public:
  enum class Error { kNone, kMalformed, kSignatureDoesNotMatch, kTooLong, kSink };
  // `sink` receives decoded bytes; returning false stops with kSink.
  using Sink = std::function<bool(const char* data, size_t size)>;

  AwsChunkedDecoder(std::optional<ChunkChain> chain, uint64_t max_decoded_bytes, Sink sink);
  ~AwsChunkedDecoder();
  AwsChunkedDecoder(const AwsChunkedDecoder&) = delete;
  AwsChunkedDecoder& operator=(const AwsChunkedDecoder&) = delete;

  // Consumes the next piece of the body; the first error sticks.
  Error Feed(const char* data, size_t size);
  // The body ended: kMalformed unless the final chunk and trailers were complete.
  Error Finish();

  const NameValues& trailers() const { return trailers_; }
  uint64_t decoded_bytes() const { return decoded_; }
  const std::string& message() const { return message_; }

 private:
  enum class State { kSizeLine, kData, kDataEnd, kTrailer, kDone };
  Error Fail(Error e, std::string message);
  Error OnSizeLine(std::string_view line);
  Error EndChunk();

  std::optional<ChunkChain> chain_;
  uint64_t max_decoded_;
  Sink sink_;
  State state_ = State::kSizeLine;
  std::string line_;
  uint64_t remaining_ = 0;
  uint64_t decoded_ = 0;
  bool last_chunk_ = false;
  std::string claimed_signature_;
  std::string previous_signature_;
  struct Hash;
  std::unique_ptr<Hash> hash_;
  NameValues trailers_;
  Error error_ = Error::kNone;
  std::string message_;
};

}  // namespace edgepix::s3
