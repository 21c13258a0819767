// Authentication against the real binary: bearer token (flag, env, file), HS256
// JWTs, private media with signed URLs, CORS and HTTPS.
#include <catch2/catch.hpp>
#include <cstdlib>

#include "integration/ops_process.h"
#include "integration/security_support.h"
#include "integration/server_harness.h"

using namespace edgepix::testing;

namespace {

const std::string kToken = "correct-horse-battery-staple-42";
const httplib::Headers kAuth = {{"Authorization", "Bearer " + kToken}};

void CheckUnauthorized(const httplib::Result& r) {
  REQUIRE(r);
  INFO("body: " << r->body);
  CHECK(r->status == 401);
  CHECK(r->get_header_value("Content-Type") == "application/json");
  CHECK(r->get_header_value("WWW-Authenticate").rfind("Bearer realm=\"edgepix\"", 0) == 0);
  CHECK(ErrorCodeOf(r->body) == "unauthorized");
}

httplib::Result Upload(httplib::Client& c, const std::string& bytes,
                       const httplib::Headers& headers) {
  httplib::MultipartFormDataItems items = {{"file", bytes, "a.jpg", "image/jpeg"}};
  return c.Post("/api/uploads", headers, items);
}

nlohmann::json WaitDone(httplib::Client& c, const std::string& id, const httplib::Headers& h) {
  for (int i = 0; i < 60; ++i) {
    auto r = c.Get("/api/jobs/" + id + "?wait=30", h);
    auto job = JsonBody(r);
    if (job["status"] == "COMPLETED" || job["status"] == "FAILED") return job;
  }
  FAIL("job did not finish");
  return {};
}

}  // namespace

TEST_CASE("without a token everything answers, with one, protected routes need it") {
  SECTION("no token configured: open") {
    ServerProcess server;
    auto c = server.Client();
    CHECK(c.Get("/api/jobs")->status == 200);
    CHECK(c.Get("/metrics")->status == 200);
  }
  SECTION("--token") {
    ServerProcess server({"--token", kToken});
    auto c = server.Client();
    std::string jpeg = MakeJpeg(64, 48);
    CheckUnauthorized(Upload(c, jpeg, {}));
    CheckUnauthorized(Upload(c, jpeg, {{"Authorization", "Bearer wrong-token-of-some-length"}}));
    CheckUnauthorized(Upload(c, jpeg, {{"Authorization", "Bearer " + kToken + "x"}}));
    CheckUnauthorized(Upload(c, jpeg, {{"Authorization", "Bearer " + kToken.substr(1)}}));
    CheckUnauthorized(Upload(c, jpeg, {{"Authorization", "Basic " + kToken}}));
    CheckUnauthorized(Upload(c, jpeg, {{"Authorization", kToken}}));
    CheckUnauthorized(c.Get("/api/jobs"));
    CheckUnauthorized(c.Get("/metrics"));
    CheckUnauthorized(c.Get("/api/jobs/AAAAAAAAAAAAAAAAAAAAAA"));
    CheckUnauthorized(c.Get("/api/jobs/AAAAAAAAAAAAAAAAAAAAAA/events"));
    CheckUnauthorized(c.Delete("/api/images/AAAAAAAAAAAAAAAAAAAAAA"));
    // Nothing was stored by the refused uploads.
    auto list = JsonBody(c.Get("/api/jobs", kAuth));
    CHECK(list["jobs"].empty());

    auto up =
        Upload(c, jpeg, {{"Authorization", "bearer " + kToken}});  // scheme is case-insensitive
    REQUIRE(up->status == 202);
    const std::string id = JsonBody(up)["jobs"][0]["id"];
    auto job = WaitDone(c, id, kAuth);
    CHECK(job["status"] == "COMPLETED");
    // Job reads (GPS metadata) need the token; media stay public without --private.
    CheckUnauthorized(c.Get("/api/jobs/" + id));
    CHECK(c.Get("/v/" + id + "/thumb.webp")->status == 200);
    CHECK(c.Get("/o/" + id)->status == 200);
    CHECK(c.Get("/metrics", kAuth)->status == 200);
    // Public routes stay public.
    CHECK(c.Get("/healthz")->status == 200);
    CHECK(c.Get("/readyz")->status == 200);
    CHECK(c.Get("/api/openapi.json")->status == 200);
    CHECK(c.Get("/")->status == 200);
    CheckUnauthorized(c.Delete("/api/images/" + id));
    CHECK(c.Delete("/api/images/" + id, kAuth)->status == 204);
  }
  SECTION("EDGEPIX_TOKEN from the environment") {
    setenv("EDGEPIX_TOKEN", kToken.c_str(), 1);
    ServerProcess server;
    unsetenv("EDGEPIX_TOKEN");
    auto c = server.Client();
    CheckUnauthorized(c.Get("/api/jobs"));
    CHECK(c.Get("/api/jobs", kAuth)->status == 200);
  }
  SECTION("--token-file") {
    TempDir dir;
    WriteFileOrDie(dir.Join("token"), kToken + "\n");
    ServerProcess server({"--token-file", dir.Join("token")});
    auto c = server.Client();
    CheckUnauthorized(c.Get("/api/jobs"));
    CHECK(c.Get("/api/jobs", kAuth)->status == 200);
  }
}

TEST_CASE("a short token, --private without credentials, and half a TLS pair refuse to start") {
  for (auto args : std::vector<std::vector<std::string>>{
           {"--token", "short"}, {"--private"}, {"--tls-cert", "/nonexistent.pem"}}) {
    INFO(args[0]);
    CHECK_THROWS(ServerProcess(args));
  }
}

TEST_CASE("HS256 JWTs: valid ones pass, alg=none, other algs, bad signatures and expiry fail") {
  const std::string secret = "jwt-shared-secret-for-tests";
  ServerProcess server({"--jwt-secret", secret});
  auto c = server.Client();
  const int64_t now = TestUnixNow();
  const std::string hs256 = R"({"alg":"HS256","typ":"JWT"})";
  auto bearer = [](const std::string& t) {
    return httplib::Headers{{"Authorization", "Bearer " + t}};
  };
  auto claims = [](int64_t exp) { return R"({"sub":"alice","exp":)" + std::to_string(exp) + "}"; };

  CHECK(c.Get("/api/jobs", bearer(TestJwt(hs256, claims(now + 600), secret)))->status == 200);
  // No exp: a token that would never expire is refused (issue 11), as is an exp
  // that is not an integer NumericDate (1e308 was once "valid forever", issue 18).
  CheckUnauthorized(c.Get("/api/jobs", bearer(TestJwt(hs256, R"({"sub":"no-exp"})", secret))));
  CheckUnauthorized(c.Get("/api/jobs", bearer(TestJwt(hs256, R"({"exp":1e308})", secret))));
  CheckUnauthorized(
      c.Get("/api/jobs",
            bearer(TestJwt(hs256, R"({"exp":)" + std::to_string(now + 600) + ".5}", secret))));

  CheckUnauthorized(c.Get("/api/jobs"));
  CheckUnauthorized(c.Get("/api/jobs", bearer(TestJwt(hs256, claims(now - 600), secret))));
  CheckUnauthorized(c.Get("/api/jobs", bearer(TestJwt(hs256, claims(now + 600), "other-secret"))));
  CheckUnauthorized(
      c.Get("/api/jobs", bearer(TestJwt(hs256,
                                        R"({"exp":)" + std::to_string(now + 7200) + R"(,"nbf":)" +
                                            std::to_string(now + 3600) + "}",
                                        secret))));
  CheckUnauthorized(
      c.Get("/api/jobs", bearer(TestJwt(R"({"alg":"HS512"})", claims(now + 600), secret))));
  CheckUnauthorized(c.Get("/api/jobs", bearer(TestJwt(hs256, R"({"exp":"tomorrow"})", secret))));
  // alg=none with an empty signature, and with the HS256 signature kept.
  std::string none_input =
      TestBase64Url(R"({"alg":"none","typ":"JWT"})") + "." + TestBase64Url(claims(now + 600));
  CheckUnauthorized(c.Get("/api/jobs", bearer(none_input + ".")));
  CheckUnauthorized(c.Get(
      "/api/jobs", bearer(none_input + "." + TestBase64Url(TestHmacSha256(secret, none_input)))));
  // Tampered payload with the original signature.
  std::string good = TestJwt(hs256, claims(now + 600), secret);
  std::string tampered =
      TestBase64Url(hs256) + "." +
      TestBase64Url(R"({"sub":"admin","exp":)" + std::to_string(now + 600) + "}") +
      good.substr(good.rfind('.'));
  CheckUnauthorized(c.Get("/api/jobs", bearer(tampered)));
  CheckUnauthorized(c.Get("/api/jobs", bearer("a.b")));
  CheckUnauthorized(c.Get("/api/jobs", bearer("!!!.???.***")));
}

TEST_CASE("HS256 JWTs without exp pass only with --jwt-allow-no-exp") {
  const std::string secret = "jwt-shared-secret-for-tests";
  const std::string hs256 = R"({"alg":"HS256","typ":"JWT"})";
  const httplib::Headers no_exp = {
      {"Authorization", "Bearer " + TestJwt(hs256, R"({"sub":"no-exp"})", secret)}};
  ServerProcess strict({"--jwt-secret", secret});
  CheckUnauthorized(strict.Client().Get("/api/jobs", no_exp));
  ServerProcess lenient({"--jwt-secret", secret, "--jwt-allow-no-exp"});
  CHECK(lenient.Client().Get("/api/jobs", no_exp)->status == 200);
  // Out-of-range dates stay refused even then.
  const httplib::Headers huge = {
      {"Authorization", "Bearer " + TestJwt(hs256, R"({"exp":1e308})", secret)}};
  CheckUnauthorized(lenient.Client().Get("/api/jobs", huge));
}

TEST_CASE("private media (--private) need the token or an unexpired signed URL") {
  const std::string key = "url-signing-key-for-tests";
  ServerProcess server({"--token", kToken, "--private", "--url-signing-key", key});
  auto c = server.Client();
  auto up = Upload(c, MakeJpeg(64, 48), kAuth);
  REQUIRE(up->status == 202);
  const std::string id = JsonBody(up)["jobs"][0]["id"];
  auto job = WaitDone(c, id, kAuth);
  REQUIRE(job["status"] == "COMPLETED");
  const std::string thumb = "/v/" + id + "/thumb.webp";

  CheckUnauthorized(c.Get(thumb));
  CheckUnauthorized(c.Get("/o/" + id));
  auto with_token = c.Get(thumb, kAuth);
  CHECK(with_token->status == 200);
  CHECK(with_token->get_header_value("Cache-Control").find("private") == 0);

  // The job JSON carries signed URLs that work without the token.
  std::string signed_thumb;
  for (auto& v : job["variants"]) {
    if (v["name"] == "thumb") signed_thumb = v["url"];
  }
  REQUIRE(signed_thumb.rfind(thumb + "?exp=", 0) == 0);
  auto via_signed = c.Get(signed_thumb);
  CHECK(via_signed->status == 200);
  CHECK(via_signed->get_header_value("Content-Type") == "image/webp");
  const std::string signed_original = job["original"]["url"];
  CHECK(c.Get(signed_original)->status == 200);

  // The signature is HMAC-SHA256(key, path "\n" exp): a URL we sign ourselves works,
  // an expired one, a tampered one and one moved to another path do not.
  auto sign = [&](const std::string& path, int64_t exp) {
    return path + "?exp=" + std::to_string(exp) +
           "&sig=" + TestBase64Url(TestHmacSha256(key, path + "\n" + std::to_string(exp)));
  };
  CHECK(c.Get(sign(thumb, TestUnixNow() + 120))->status == 200);
  CheckUnauthorized(c.Get(sign(thumb, TestUnixNow() - 10)));
  std::string moved = signed_thumb;
  moved.replace(moved.find("thumb.webp"), 10, "large.webp");
  CheckUnauthorized(c.Get(moved));
  std::string flipped = signed_thumb;
  flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
  CheckUnauthorized(c.Get(flipped));
  std::string later = signed_thumb;
  later.replace(later.find("exp=") + 4, 1, "9");
  CheckUnauthorized(c.Get(later));
  CheckUnauthorized(c.Get(thumb + "?exp=abc&sig=x"));
  // A signed media URL opens media only, never the API.
  CheckUnauthorized(c.Get(sign("/api/jobs", TestUnixNow() + 120)));
}

TEST_CASE("CORS: none by default, --cors-origin allows that origin and answers preflights") {
  SECTION("default") {
    ServerProcess server;
    auto r = RawGet(server.port(), "/api/jobs", "Origin: https://evil.example\r\n");
    CHECK(r.status == 200);
    CHECK(r.headers.find("access-control-allow-origin") == std::string::npos);
    auto pre = RawGet(server.port(), "/api/uploads",
                      "Origin: https://evil.example\r\nAccess-Control-Request-Method: POST\r\n",
                      "OPTIONS");
    CHECK(pre.status == 204);
    CHECK(pre.headers.find("access-control-allow-origin") == std::string::npos);
  }
  SECTION("--cors-origin") {
    ServerProcess server({"--cors-origin", "https://app.example", "--token", kToken});
    auto pre = RawGet(server.port(), "/api/uploads",
                      "Origin: https://app.example\r\nAccess-Control-Request-Method: POST\r\n"
                      "Access-Control-Request-Headers: authorization\r\n",
                      "OPTIONS");
    CHECK(pre.status == 204);  // a preflight needs no token
    CHECK(pre.headers.find("access-control-allow-origin: https://app.example") !=
          std::string::npos);
    CHECK(pre.headers.find("access-control-allow-headers: authorization") != std::string::npos);
    auto get = RawGet(server.port(), "/api/jobs",
                      "Origin: https://app.example\r\nAuthorization: Bearer " + kToken + "\r\n");
    CHECK(get.status == 200);
    CHECK(get.headers.find("access-control-allow-origin: https://app.example") !=
          std::string::npos);
    CHECK(get.headers.find("vary: origin") != std::string::npos);
    auto other = RawGet(server.port(), "/api/jobs",
                        "Origin: https://evil.example\r\nAuthorization: Bearer " + kToken + "\r\n");
    CHECK(other.headers.find("access-control-allow-origin") == std::string::npos);
  }
}

TEST_CASE("HTTPS only with --tls-cert and --tls-key") {
  TempDir dir;
  const std::string cert = dir.Join("cert.pem"), key = dir.Join("key.pem");
  int rc =
      RunShell("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -keyout " +
               key + " -out " + cert + " >/dev/null 2>&1");
  if (rc != 0) EDGEPIX_SKIP("`openssl req` failed (install the 'openssl' package)");
  auto https_ready = [](int port) {
    httplib::SSLClient c("127.0.0.1", port);
    c.enable_server_certificate_verification(false);
    c.set_connection_timeout(1);
    auto r = c.Get("/healthz");
    return r && r->status == 200;
  };
  OpsProcess server({"--tls-cert", cert, "--tls-key", key, "--token", kToken, "--quiet"},
                    https_ready);
  httplib::SSLClient c("127.0.0.1", server.port());
  c.set_ca_cert_path(cert.c_str());
  c.enable_server_certificate_verification(true);
  auto r = c.Get("/api/jobs", kAuth);
  REQUIRE(r);
  CHECK(r->status == 200);
  CheckUnauthorized(c.Get("/api/jobs"));
  httplib::MultipartFormDataItems items = {{"file", MakePng(32, 32), "p.png", "image/png"}};
  auto up = c.Post("/api/uploads", kAuth, items);
  REQUIRE(up);
  CHECK(up->status == 202);
  // Plain HTTP on the HTTPS port gets no HTTP answer.
  httplib::Client plain("127.0.0.1", server.port());
  plain.set_read_timeout(3, 0);
  auto p = plain.Get("/healthz");
  CHECK_FALSE(p);
  CHECK(server.Log().find("https://") != std::string::npos);
}
