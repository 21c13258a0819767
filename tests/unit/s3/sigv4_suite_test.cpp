// SigV4 against AWS's published signing test suite (aws-c-auth's
// aws-signing-test-suite/v4, read in place from /work/shared/sigv4-test-suite or
// $EDGEPIX_SIGV4_SUITE): for every case, the signed request as AWS signs it
// must verify, and the canonical request, string to sign and signature we
// compute must equal AWS's, for both header and presigned (query) signing.
// The signing side (sigv4/signer.h, the S3 blob store's client) signs each
// case's unsigned request and must produce AWS's canonical request, string to
// sign, signature and Authorization header, and its output must verify.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "s3/sigv4.h"
#include "sigv4/signer.h"
#include "sigv4/uri_encode.h"
#include "unit/support/skip.h"

namespace fs = std::filesystem;
using namespace edgepix::s3;
using edgepix::sigv4::CanonicalUri;

namespace {

fs::path SuiteDir() {
  if (const char* env = std::getenv("EDGEPIX_SIGV4_SUITE")) return env;
  return fs::path(EDGEPIX_TEST_SOURCE_DIR) / ".." / ".." / "shared" / "sigv4-test-suite";
}

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// "METHOD target HTTP/1.1\nName:value\n  continuation\n\nbody"
SignedRequest ParseRequestText(const std::string& text, std::string& body) {
  SignedRequest r;
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  size_t sp1 = line.find(' ');
  size_t sp2 = line.rfind(" HTTP/");
  r.method = line.substr(0, sp1);
  std::string target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  size_t q = target.find('?');
  r.raw_path = target.substr(0, q);
  r.raw_query = q == std::string::npos ? "" : target.substr(q + 1);
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) break;
    if ((line[0] == ' ' || line[0] == '\t') && !r.headers.empty()) {
      r.headers.back().second += " " + line;
      continue;
    }
    size_t colon = line.find(':');
    r.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
  }
  std::stringstream rest;
  rest << in.rdbuf();
  body = rest.str();
  return r;
}

int64_t ParseIsoTime(const std::string& t) {  // 2015-08-30T12:36:00Z
  std::string compact = t.substr(0, 4) + t.substr(5, 2) + t.substr(8, 2) + "T" + t.substr(11, 2) +
                        t.substr(14, 2) + t.substr(17, 2) + "Z";
  return ParseAmzDate(compact).value();
}

std::string Trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

}  // namespace

TEST_CASE("SigV4: every case of AWS's signing test suite verifies, step by step") {
  fs::path dir = SuiteDir() / "v4";
  if (!fs::is_directory(dir)) EDGEPIX_SKIP("no SigV4 test suite at " + dir.string());
  int header_cases = 0, query_cases = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const fs::path c = entry.path();
    auto ctx = nlohmann::json::parse(Slurp(c / "context.json"));
    std::string secret = ctx["credentials"]["secret_access_key"];
    std::string akid = ctx["credentials"]["access_key_id"];
    SecretLookup secrets = [&](std::string_view key) -> std::optional<std::string> {
      if (key == akid) return secret;
      return std::nullopt;
    };
    for (std::string kind : {"header", "query"}) {
      if (!fs::exists(c / (kind + "-signed-request.txt"))) continue;
      // The session token is added to the URL after signing ("omit_session_token"):
      // the request as sent is not the one signed, and S3 refuses it too.
      if (kind == "query" && ctx.value("omit_session_token", false)) continue;
      (kind == "header" ? header_cases : query_cases)++;
      DYNAMIC_SECTION(c.filename().string() << " (" << kind << ")") {
        std::string body;
        SignedRequest request = ParseRequestText(Slurp(c / (kind + "-signed-request.txt")), body);
        VerifyOptions options;
        options.region = ctx["region"];
        options.service = ctx["service"];
        options.normalize_path = ctx.value("normalize", true);
        options.now_unix = ParseIsoTime(ctx["timestamp"]);
        options.default_payload_hash = HexSha256(body);
        options.presigned_payload_hash = HexSha256(body);
        AuthResult r = VerifySigV4(request, secrets, options);
        CHECK(r.canonical_request == Trimmed(Slurp(c / (kind + "-canonical-request.txt"))));
        CHECK(r.string_to_sign == Trimmed(Slurp(c / (kind + "-string-to-sign.txt"))));
        CHECK(r.signature == Trimmed(Slurp(c / (kind + "-signature.txt"))));
        REQUIRE(r.code == AuthCode::kOk);
      }
    }
  }
  // 38 cases; the token-after-signing one has no usable presigned form.
  CHECK(header_cases == 38);
  CHECK(query_cases == 37);
}

TEST_CASE("SigV4: a tampered suite request is refused with the S3 error it maps to") {
  fs::path c = SuiteDir() / "v4" / "get-vanilla-query-order-key-case";
  if (!fs::is_directory(c)) EDGEPIX_SKIP("no SigV4 test suite at " + c.string());
  std::string body;
  SignedRequest base = ParseRequestText(Slurp(c / "header-signed-request.txt"), body);
  SignedRequest presigned = ParseRequestText(Slurp(c / "query-signed-request.txt"), body);
  SecretLookup secrets = [](std::string_view key) -> std::optional<std::string> {
    if (key == "AKIDEXAMPLE") return std::string("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    return std::nullopt;
  };
  VerifyOptions options;
  options.region = "us-east-1";
  options.service = "service";
  options.now_unix = ParseAmzDate("20150830T123600Z").value();
  options.default_payload_hash = std::string(kEmptySha256);
  options.presigned_payload_hash = std::string(kEmptySha256);
  REQUIRE(VerifySigV4(base, secrets, options).code == AuthCode::kOk);

  SECTION("a changed query value") {
    SignedRequest r = base;
    r.raw_query = "Param2=value3&Param1=value1";
    CHECK(VerifySigV4(r, secrets, options).code == AuthCode::kSignatureDoesNotMatch);
  }
  SECTION("a changed signature digit") {
    SignedRequest r = base;
    for (auto& [n, v] : r.headers) {
      if (n == "Authorization") v.back() = v.back() == '0' ? '1' : '0';
    }
    CHECK(VerifySigV4(r, secrets, options).code == AuthCode::kSignatureDoesNotMatch);
  }
  SECTION("a changed path") {
    SignedRequest r = base;
    r.raw_path = "/x";
    CHECK(VerifySigV4(r, secrets, options).code == AuthCode::kSignatureDoesNotMatch);
  }
  SECTION("an unknown access key") {
    VerifyOptions o = options;
    SecretLookup none = [](std::string_view) { return std::optional<std::string>(); };
    CHECK(VerifySigV4(base, none, o).code == AuthCode::kInvalidAccessKeyId);
  }
  SECTION("a wrong region in the scope") {
    VerifyOptions o = options;
    o.region = "eu-west-1";
    AuthResult r = VerifySigV4(base, secrets, o);
    CHECK(r.code == AuthCode::kWrongRegion);
    CHECK_THAT(r.message, Catch::Contains("us-east-1"));
  }
  SECTION("16 minutes of clock skew, either way; 14 pass") {
    VerifyOptions o = options;
    o.now_unix += 16 * 60;
    CHECK(VerifySigV4(base, secrets, o).code == AuthCode::kRequestTimeTooSkewed);
    o.now_unix = options.now_unix - 16 * 60;
    CHECK(VerifySigV4(base, secrets, o).code == AuthCode::kRequestTimeTooSkewed);
    o.now_unix = options.now_unix + 14 * 60;
    CHECK(VerifySigV4(base, secrets, o).code == AuthCode::kOk);
  }
  SECTION("a presigned URL one second past X-Amz-Expires is expired") {
    VerifyOptions o = options;
    o.now_unix += 3600;
    CHECK(VerifySigV4(presigned, secrets, o).code == AuthCode::kOk);
    o.now_unix += 1;
    AuthResult r = VerifySigV4(presigned, secrets, o);
    CHECK(r.code == AuthCode::kExpired);
    CHECK(r.message == "Request has expired");
  }
  SECTION("X-Amz-Expires outside 1..604800 is malformed") {
    SignedRequest r = presigned;
    auto at = r.raw_query.find("X-Amz-Expires=3600");
    REQUIRE(at != std::string::npos);
    r.raw_query.replace(at, 18, "X-Amz-Expires=604801");
    CHECK(VerifySigV4(r, secrets, options).code == AuthCode::kMalformed);
  }
  SECTION("a header named in SignedHeaders but absent") {
    SignedRequest r = base;
    r.headers.erase(std::remove_if(r.headers.begin(), r.headers.end(),
                                   [](const auto& h) { return h.first == "X-Amz-Date"; }),
                    r.headers.end());
    CHECK(VerifySigV4(r, secrets, options).code != AuthCode::kOk);
  }
  SECTION("no credentials at all") {
    SignedRequest r;
    r.method = "GET";
    r.raw_path = "/";
    CHECK(VerifySigV4(r, secrets, options).code == AuthCode::kMissing);
    CHECK_FALSE(HasSigV4(r));
  }
}

TEST_CASE("SigV4: S3 canonical URIs encode each byte once and keep dot segments") {
  CHECK(CanonicalUri("/bucket/a%20b/../c", false) == "/bucket/a%20b/../c");
  CHECK(CanonicalUri("/bucket/a b", false) == "/bucket/a%20b");
  CHECK(CanonicalUri("/bucket/x%2Fy", false) == "/bucket/x%2Fy");
  CHECK(CanonicalUri("/bucket/caf\xc3\xa9", false) == "/bucket/caf%C3%A9");
  CHECK(CanonicalUri("/a/./b/../c//d", true) == "/a/c/d");
  CHECK(CanonicalQuery(ParseQuery("b=2&a=x%2Fy&c")) == "a=x%2Fy&b=2&c=");
}

namespace {

std::string HeaderLine(const std::string& signed_request, const std::string& name) {
  std::istringstream in(signed_request);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(name + ":", 0) == 0) return Trimmed(line.substr(name.size() + 1));
  }
  return "";
}

}  // namespace

TEST_CASE("SigV4: the client signer reproduces every case of AWS's signing test suite") {
  namespace sigv4 = edgepix::sigv4;
  fs::path dir = SuiteDir() / "v4";
  if (!fs::is_directory(dir)) EDGEPIX_SKIP("no SigV4 test suite at " + dir.string());
  int header_cases = 0, query_cases = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const fs::path c = entry.path();
    auto ctx = nlohmann::json::parse(Slurp(c / "context.json"));
    sigv4::Credentials credentials{ctx["credentials"]["access_key_id"],
                                   ctx["credentials"]["secret_access_key"],
                                   ctx["credentials"].value("token", "")};
    // The token is added after signing in these cases: it is not part of what is signed.
    if (ctx.value("omit_session_token", false)) credentials.session_token.clear();
    sigv4::SignOptions options;
    options.region = ctx["region"];
    options.service = ctx["service"];
    options.normalize_path = ctx.value("normalize", true);
    options.now_unix = ParseIsoTime(ctx["timestamp"]);
    options.add_content_sha256_header = ctx.value("sign_body", false);
    std::string body;
    const SignedRequest unsigned_request = ParseRequestText(Slurp(c / "request.txt"), body);
    const std::string payload_hash = HexSha256(body);
    SecretLookup secrets = [&](std::string_view key) -> std::optional<std::string> {
      if (key == credentials.access_key) return credentials.secret_key;
      return std::nullopt;
    };
    VerifyOptions verify;
    verify.region = options.region;
    verify.service = options.service;
    verify.normalize_path = options.normalize_path;
    verify.now_unix = options.now_unix;
    verify.default_payload_hash = payload_hash;
    verify.presigned_payload_hash = payload_hash;

    ++header_cases;
    DYNAMIC_SECTION(c.filename().string() << " (header)") {
      SignedRequest r = unsigned_request;
      sigv4::Signature s = sigv4::SignHeaders(&r, payload_hash, credentials, options);
      CHECK(s.canonical_request == Trimmed(Slurp(c / "header-canonical-request.txt")));
      CHECK(s.string_to_sign == Trimmed(Slurp(c / "header-string-to-sign.txt")));
      CHECK(s.signature == Trimmed(Slurp(c / "header-signature.txt")));
      CHECK(s.authorization == HeaderLine(Slurp(c / "header-signed-request.txt"), "Authorization"));
      CHECK(VerifySigV4(r, secrets, verify).code == AuthCode::kOk);
    }
    if (!fs::exists(c / "query-signed-request.txt") || ctx.value("omit_session_token", false)) {
      continue;
    }
    ++query_cases;
    DYNAMIC_SECTION(c.filename().string() << " (query)") {
      SignedRequest r = unsigned_request;
      sigv4::Signature s = sigv4::Presign(&r, ctx["expiration_in_seconds"].get<int64_t>(),
                                          payload_hash, credentials, options);
      CHECK(s.canonical_request == Trimmed(Slurp(c / "query-canonical-request.txt")));
      CHECK(s.string_to_sign == Trimmed(Slurp(c / "query-string-to-sign.txt")));
      CHECK(s.signature == Trimmed(Slurp(c / "query-signature.txt")));
      CHECK(VerifySigV4(r, secrets, verify).code == AuthCode::kOk);
    }
  }
  CHECK(header_cases == 38);
  CHECK(query_cases == 37);
}
