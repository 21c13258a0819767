// aws-chunked bodies: AWS's documented example ("Signature Calculations for
// the Authorization Header: Transferring Payload in Multiple Chunks", PUT
// /examplebucket/chunkObject.txt, 66560 bytes of 'a' in 64 KiB chunks) checks
// the seed signature and the chunk signature chain; the unsigned-trailer form
// carries an x-amz-checksum-crc32 the caller verifies.
#include <catch2/catch.hpp>

#include "s3/aws_chunked.h"
#include "s3/checksums.h"
#include "s3/sigv4.h"

using namespace edgepix::s3;

namespace {

constexpr const char* kSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
constexpr const char* kSeed = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
constexpr const char* kChunk1 = "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648";
constexpr const char* kChunk2 = "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497";
constexpr const char* kFinal = "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9";

SignedRequest DocumentedPut() {
  SignedRequest r;
  r.method = "PUT";
  r.raw_path = "/examplebucket/chunkObject.txt";
  r.headers = {
      {"Host", "s3.amazonaws.com"},
      {"x-amz-date", "20130524T000000Z"},
      {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
      {"Authorization",
       std::string(
           "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
           "SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;"
           "x-amz-decoded-content-length;x-amz-storage-class,Signature=") +
           kSeed},
      {"x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"},
      {"Content-Encoding", "aws-chunked"},
      {"x-amz-decoded-content-length", "66560"},
      {"Content-Length", "66824"},
  };
  return r;
}

std::string Frame(size_t size, const std::string& signature) {
  std::string out;
  char hex[32];
  snprintf(hex, sizeof hex, "%zx", size);
  out += hex;
  out += ";chunk-signature=" + signature + "\r\n";
  out += std::string(size, 'a');
  out += "\r\n";
  return out;
}

std::string DocumentedBody() {
  return Frame(65536, kChunk1) + Frame(1024, kChunk2) + Frame(0, kFinal);
}

AuthResult VerifyDocumented() {
  VerifyOptions o;
  o.region = "us-east-1";
  o.now_unix = ParseAmzDate("20130524T000000Z").value();
  return VerifySigV4(
      DocumentedPut(), [](std::string_view) { return std::optional<std::string>(kSecret); }, o);
}

}  // namespace

TEST_CASE("aws-chunked: AWS's documented example verifies seed and every chunk signature") {
  AuthResult auth = VerifyDocumented();
  REQUIRE(auth.code == AuthCode::kOk);
  CHECK(auth.payload_hash == kStreamingSigned);
  CHECK(auth.signature == kSeed);
  std::string body = DocumentedBody();
  CHECK(body.size() == 66824);
  ChunkChain chain{auth.signing_key, auth.amz_date, auth.scope, auth.signature};

  std::string out;
  AwsChunkedDecoder decoder(chain, 1 << 20, [&](const char* d, size_t n) {
    out.append(d, n);
    return true;
  });
  SECTION("in one piece") {
    REQUIRE(decoder.Feed(body.data(), body.size()) == AwsChunkedDecoder::Error::kNone);
  }
  SECTION("byte by byte") {
    for (char c : body) REQUIRE(decoder.Feed(&c, 1) == AwsChunkedDecoder::Error::kNone);
  }
  CHECK(decoder.Finish() == AwsChunkedDecoder::Error::kNone);
  CHECK(out == std::string(66560, 'a'));
}

TEST_CASE("aws-chunked: a tampered chunk, a reordered chain or extra bytes are refused") {
  AuthResult auth = VerifyDocumented();
  REQUIRE(auth.code == AuthCode::kOk);
  ChunkChain chain{auth.signing_key, auth.amz_date, auth.scope, auth.signature};
  auto run = [&](const std::string& body, uint64_t limit = 1 << 20) {
    AwsChunkedDecoder d(chain, limit, [](const char*, size_t) { return true; });
    auto e = d.Feed(body.data(), body.size());
    return e != AwsChunkedDecoder::Error::kNone ? e : d.Finish();
  };
  std::string body = DocumentedBody();
  SECTION("one data byte changed") {
    body[1000] = 'b';
    CHECK(run(body) == AwsChunkedDecoder::Error::kSignatureDoesNotMatch);
  }
  SECTION("chunks swapped") {
    std::string swapped = Frame(1024, kChunk2) + Frame(65536, kChunk1) + Frame(0, kFinal);
    CHECK(run(swapped) == AwsChunkedDecoder::Error::kSignatureDoesNotMatch);
  }
  SECTION("final chunk missing") {
    CHECK(run(Frame(65536, kChunk1) + Frame(1024, kChunk2)) ==
          AwsChunkedDecoder::Error::kMalformed);
  }
  SECTION("a chunk longer than its declared size") {
    std::string bad = Frame(65536, kChunk1);
    bad.insert(bad.size() - 2, "a");
    CHECK(run(bad) == AwsChunkedDecoder::Error::kMalformed);
  }
  SECTION("more decoded bytes than allowed") {
    CHECK(run(body, 66559) == AwsChunkedDecoder::Error::kTooLong);
  }
  SECTION("bytes after the final chunk") {
    CHECK(run(body + "0;chunk-signature=" + kFinal + "\r\n\r\n") ==
          AwsChunkedDecoder::Error::kMalformed);
  }
}

TEST_CASE("aws-chunked: STREAMING-UNSIGNED-PAYLOAD-TRAILER hands over the CRC32 trailer") {
  std::string data(70000, 'x');
  data[12345] = 'y';
  PayloadDigests sent;
  sent.Update(data.data(), data.size());
  sent.Finish();
  std::string body = "10000\r\n" + data.substr(0, 65536) + "\r\n" + "1170\r\n" +
                     data.substr(65536) + "\r\n0\r\nx-amz-checksum-crc32:" + sent.crc32_base64() +
                     "\r\n\r\n";
  PayloadDigests got;
  AwsChunkedDecoder d(std::nullopt, 1 << 20, [&](const char* p, size_t n) {
    got.Update(p, n);
    return true;
  });
  REQUIRE(d.Feed(body.data(), body.size()) == AwsChunkedDecoder::Error::kNone);
  REQUIRE(d.Finish() == AwsChunkedDecoder::Error::kNone);
  got.Finish();
  REQUIRE(d.trailers().size() == 1);
  CHECK(d.trailers()[0].first == "x-amz-checksum-crc32");
  CHECK(got.Matches("crc32", d.trailers()[0].second) == true);
  CHECK(got.Matches("crc32", Crc32Base64(0x12345678)) == false);
  CHECK(d.decoded_bytes() == 70000);
}

TEST_CASE("checksums: the standard check values of CRC32, CRC32C, MD5 and SHA-256") {
  std::string s = "123456789";
  CHECK(Crc32Update(0, s.data(), s.size()) == 0xCBF43926u);
  CHECK(Crc32cUpdate(0, s.data(), s.size()) == 0xE3069283u);
  // Incremental equals one-shot.
  CHECK(Crc32Update(Crc32Update(0, s.data(), 4), s.data() + 4, 5) == 0xCBF43926u);
  PayloadDigests d;
  d.Update("abc", 3);
  d.Finish();
  REQUIRE(d.ok());
  CHECK(d.md5_hex() == "900150983cd24fb0d6963f7d28e17f72");
  CHECK(d.sha256_hex() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(Base64Encode("abc") == "YWJj");
  CHECK(Base64Decode("YWI=") == std::optional<std::string>("ab"));
  CHECK_FALSE(Base64Decode("YW=I").has_value());
  CHECK(d.Matches("md5", "x") == std::nullopt);
}
