// Upload grants against the real binary (issue 12, part 3): one upload per
// grant without a token; a used, expired, tampered or unknown grant is 403
// grant_invalid naming which; a file over max_bytes is 413 (and the grant stays
// usable); 50 simultaneous uses of one grant give exactly one 202; single use
// holds across a restart; grants work with --token and --private and land in
// their batch.
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "http/crypto.h"
#include "integration/server_harness.h"

using namespace edgepix::testing;

namespace {

const char kToken[] = "grant-test-token-0123456789";

std::vector<std::string> CreateGrants(httplib::Client& c, const nlohmann::json& body) {
  auto r = c.Post("/api/upload-grants", body.dump(), "application/json");
  REQUIRE(r);
  INFO(r->body);
  REQUIRE(r->status == 201);
  std::vector<std::string> urls;
  const nlohmann::json body_json = JsonBody(r);
  for (const auto& g : body_json["grants"]) {
    CHECK(g["expires_at"].is_string());
    urls.push_back(g["url"]);
  }
  return urls;
}

httplib::Result RawUpload(httplib::Client& c, const std::string& url, const std::string& bytes) {
  return c.Post(url + "&filename=g.png", bytes, "application/octet-stream");
}

// A 403 grant_invalid whose message starts with `why`.
void CheckGrantInvalid(const httplib::Result& r, const std::string& why) {
  REQUIRE(r);
  INFO(r->body);
  CHECK(r->status == 403);
  auto body = JsonBody(r);
  CHECK(body["error"]["code"] == "grant_invalid");
  CHECK(body["error"]["message"].get<std::string>().rfind(why + ":", 0) == 0);
}

}  // namespace

TEST_CASE("grants: reuse, expiry, a flipped character and an unknown grant are 403 naming why") {
  ServerProcess server;
  auto c = server.Client();
  auto urls = CreateGrants(c, {{"count", 3}});
  REQUIRE(urls.size() == 3);
  const std::string png = MakePng(40, 30);

  auto first = RawUpload(c, urls[0], png);
  REQUIRE(first);
  CHECK(first->status == 202);
  CheckGrantInvalid(RawUpload(c, urls[0], png), "used");

  // Every character of the token flipped in turn (sampled): never accepted.
  const std::string url = urls[1];
  const size_t token_at = url.find("grant=") + 6;
  for (size_t i = token_at; i < url.size(); i += 7) {
    std::string bad = url;
    bad[i] = bad[i] == 'A' ? 'B' : 'A';
    CheckGrantInvalid(RawUpload(c, bad, png), "tampered");
  }
  CheckGrantInvalid(RawUpload(c, "/api/uploads?grant=nonsense", png), "tampered");
  // The untouched grant still works after all that.
  CHECK(RawUpload(c, url, png)->status == 202);

  // Correctly signed (with the key from the data dir) but never issued.
  std::ifstream key_file(server.data_dir() + "/grant.key");
  std::string key;
  std::getline(key_file, key);
  REQUIRE(key.size() == 64);
  const std::string id = "NeverIssuedGrant000000";
  const std::string forged = id + "." +
                             edgepix::http::Base64UrlEncode(
                                 edgepix::http::HmacSha256(key, "edgepix upload grant v1\n" + id));
  CheckGrantInvalid(RawUpload(c, "/api/uploads?grant=" + forged, png), "unknown");

  auto short_lived = CreateGrants(c, {{"count", 1}, {"expires_in", 1}});
  // Expiry is whole seconds: wait until it has certainly passed.
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  CheckGrantInvalid(RawUpload(c, short_lived[0], png), "expired");

  // Nothing but the two accepted uploads was kept.
  CHECK(JsonBody(c.Get("/api/jobs"))["jobs"].size() == 2);
  CHECK(c.Post("/api/upload-grants", R"({"count":1001})", "application/json")->status == 400);
  CHECK(c.Post("/api/upload-grants", R"({"expires_in":86401})", "application/json")->status == 400);
}

TEST_CASE("grants: a file over max_bytes is 413 and leaves the grant usable, one file only") {
  ServerProcess server;
  auto c = server.Client();
  const std::string small = MakePng(20, 20);
  const std::string big = MakeJpeg(800, 600);
  REQUIRE(big.size() > 4096);
  REQUIRE(small.size() < 4096);
  auto urls = CreateGrants(c, {{"count", 1}, {"max_bytes", 4096}});
  for (bool raw : {true, false}) {
    httplib::Result r = raw ? RawUpload(c, urls[0], big) : [&] {
      httplib::MultipartFormDataItems items = {{"file", big, "big.jpg", "image/jpeg"}};
      return c.Post(urls[0], items);
    }();
    REQUIRE(r);
    CHECK(r->status == 413);
    CHECK(JsonBody(r)["error"]["code"] == "too_large");
  }
  // Two files through one grant: refused whole, the grant unused.
  httplib::MultipartFormDataItems two = {{"file", small, "a.png", "image/png"},
                                         {"file", small, "b.png", "image/png"}};
  auto r2 = c.Post(urls[0], two);
  REQUIRE(r2);
  CHECK(r2->status == 400);
  CHECK(JsonBody(c.Get("/api/jobs"))["jobs"].empty());
  httplib::MultipartFormDataItems one = {{"file", small, "a.png", "image/png"}};
  auto ok = c.Post(urls[0], one);
  REQUIRE(ok);
  CHECK(ok->status == 202);
}

TEST_CASE("grants: 50 simultaneous uses of one grant give exactly one 202") {
  ServerProcess server;
  auto c = server.Client();
  const std::string url = CreateGrants(c, {{"count", 1}})[0];
  const std::string png = MakePng(64, 64);
  std::atomic<int> accepted{0}, used{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 50; ++i) {
    threads.emplace_back([&] {
      httplib::Client tc("127.0.0.1", server.port());
      tc.set_read_timeout(60, 0);
      auto r = RawUpload(tc, url, png);
      if (r && r->status == 202) {
        ++accepted;
      } else if (r && r->status == 403 && r->body.find("\"grant_invalid\"") != std::string::npos &&
                 r->body.find("used:") != std::string::npos) {
        ++used;
      } else {
        ++other;
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(accepted == 1);
  CHECK(used == 49);
  CHECK(other == 0);
  auto jobs = JsonBody(c.Get("/api/jobs"));
  CHECK(jobs["jobs"].size() == 1);
  // Exactly one original was kept.
  int originals = 0;
  for (const auto& e :
       std::filesystem::recursive_directory_iterator(server.data_dir() + "/originals")) {
    originals += e.is_regular_file() ? 1 : 0;
  }
  CHECK(originals == 1);
}

TEST_CASE(
    "grants: with --token and --private, no token needed, lands in its batch, single use "
    "across a restart") {
  TempDir dir;
  const std::string data = dir.Join("data");
  const std::vector<std::string> args = {"--token", kToken, "--private"};
  ServerProcess server(args, data);
  auto c = server.Client();
  c.set_bearer_token_auth(kToken);
  auto batch = c.Post("/api/batches", "{}", "application/json");
  REQUIRE(batch);
  REQUIRE(batch->status == 201);
  const std::string batch_id = JsonBody(batch)["batch"]["id"];
  auto urls = CreateGrants(c, {{"count", 2}, {"batch", batch_id}});

  auto anon = server.Client();  // no token
  CHECK(anon.Post("/api/upload-grants", "{}", "application/json")->status == 401);
  CHECK(RawUpload(anon, "/api/uploads?x=1", MakePng(30, 30))->status == 401);
  auto up = RawUpload(anon, urls[0], MakePng(30, 30));
  REQUIRE(up);
  REQUIRE(up->status == 202);
  CHECK(JsonBody(up)["jobs"][0]["batch"] == batch_id);
  auto b = JsonBody(c.Get("/api/batches/" + batch_id));
  CHECK(b["counts"]["total"] == 1);

  server.Restart();
  auto anon2 = server.Client();
  CheckGrantInvalid(RawUpload(anon2, urls[0], MakePng(30, 30)), "used");
  // The other grant survived the restart; once its batch is closed it is refused.
  auto c2 = server.Client();
  c2.set_bearer_token_auth(kToken);
  REQUIRE(c2.Post("/api/batches/" + batch_id + "/complete", "", "application/json")->status == 200);
  auto late = RawUpload(anon2, urls[1], MakePng(30, 30));
  REQUIRE(late);
  CHECK(late->status == 409);
  CHECK(JsonBody(late)["error"]["code"] == "batch_closed");
  // Grants for a closed batch are not issued.
  auto refused =
      c2.Post("/api/upload-grants", nlohmann::json{{"batch", batch_id}}.dump(), "application/json");
  REQUIRE(refused);
  CHECK(refused->status == 409);
}
