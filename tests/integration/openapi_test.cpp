// The OpenAPI document at /api/openapi.json against the real answers: every
// documented path + method answers with a documented status and content type,
// with auth off and on. (tests/unit/http checks it lists exactly the registered routes.)
#include <catch2/catch.hpp>

#include "integration/security_support.h"
#include "integration/server_harness.h"

using namespace edgepix::testing;

namespace {

std::string MediaType(const std::string& content_type) {
  return content_type.substr(0, content_type.find(';'));
}

// Resolves {"$ref": "#/components/responses/X"} against the document.
nlohmann::json Resolve(const nlohmann::json& doc, nlohmann::json node) {
  while (node.is_object() && node.contains("$ref")) {
    std::string ref = node["$ref"];
    REQUIRE(ref.rfind("#/", 0) == 0);
    node = doc[nlohmann::json::json_pointer(ref.substr(1))];
  }
  return node;
}

struct Checker {
  const nlohmann::json& doc;
  int checked = 0;

  void Check(const std::string& path, const std::string& method, const httplib::Result& r) {
    INFO(method << " " << path);
    REQUIRE(r);
    INFO("status " << r->status << " body " << r->body.substr(0, 300));
    const auto& op = doc["paths"][path][method];
    REQUIRE(op.is_object());
    const std::string status = std::to_string(r->status);
    REQUIRE(op["responses"].contains(status));
    auto response = Resolve(doc, op["responses"][status]);
    if (response.contains("content")) {
      CHECK(response["content"].contains(MediaType(r->get_header_value("Content-Type"))));
    } else {
      CHECK(r->body.empty());
    }
    ++checked;
  }
};

}  // namespace

TEST_CASE("every documented route answers as documented") {
  const std::string token = "openapi-test-token-0123456789";
  for (bool auth : {false, true}) {
    INFO("auth " << auth);
    ServerProcess server(auth ? std::vector<std::string>{"--token", token}
                              : std::vector<std::string>{});
    auto c = server.Client();
    httplib::Headers h;
    if (auth) h = {{"Authorization", "Bearer " + token}};
    auto doc_r = c.Get("/api/openapi.json");
    REQUIRE(doc_r->status == 200);
    const auto doc = JsonBody(doc_r);
    CHECK(doc["openapi"].get<std::string>().rfind("3.", 0) == 0);
    Checker check{doc};

    // A completed job to point the templated paths at, and one to delete.
    auto up = c.Post("/api/uploads", h,
                     httplib::MultipartFormDataItems{{"file", MakeJpeg(80, 60), "a.jpg", ""},
                                                     {"file", MakePng(30, 30), "b.png", ""}});
    check.Check("/api/uploads", "post", up);
    auto jobs = JsonBody(up)["jobs"];
    const std::string id = jobs[0]["id"], doomed = jobs[1]["id"];
    for (auto& j : jobs) {
      auto r = c.Get("/api/jobs/" + j["id"].get<std::string>() + "?wait=30", h);
      REQUIRE(JsonBody(r)["status"] == "COMPLETED");
    }
    const std::string unknown = "AAAAAAAAAAAAAAAAAAAAAA";

    check.Check(
        "/api/uploads", "post",
        c.Post("/api/uploads", h, httplib::MultipartFormDataItems{{"file", "text", "t", ""}}));
    check.Check("/api/uploads", "post",
                c.Post("/api/uploads", h, httplib::MultipartFormDataItems{{"file", "", "e", ""}}));
    check.Check("/api/uploads", "post",
                c.Post("/api/uploads", h,
                       httplib::MultipartFormDataItems{
                           {"file", MakePngHeaderOnly(60000, 60000), "b", ""}}));
    check.Check("/api/jobs", "get", c.Get("/api/jobs", h));
    check.Check("/api/jobs", "get", c.Get("/api/jobs?limit=1&status=COMPLETED", h));
    check.Check("/api/jobs", "get", c.Get("/api/jobs?limit=0", h));
    check.Check("/api/jobs/{id}", "get", c.Get("/api/jobs/" + id, h));
    check.Check("/api/jobs/{id}", "get", c.Get("/api/jobs/" + id + "?wait=1&since=1", h));
    check.Check("/api/jobs/{id}", "get", c.Get("/api/jobs/" + unknown, h));
    check.Check("/api/jobs/{id}", "get", c.Get("/api/jobs/" + id + "?wait=x", h));
    check.Check("/api/jobs/{id}/events", "get", c.Get("/api/jobs/" + id + "/events", h));
    check.Check("/api/jobs/{id}/events", "get", c.Get("/api/jobs/" + unknown + "/events", h));
    auto thumb = c.Get("/v/" + id + "/thumb.webp");
    check.Check("/v/{id}/{variant}.webp", "get", thumb);
    check.Check(
        "/v/{id}/{variant}.webp", "get",
        c.Get("/v/" + id + "/thumb.webp", {{"If-None-Match", thumb->get_header_value("ETag")}}));
    check.Check("/v/{id}/{variant}.webp", "get", c.Get("/v/" + id + "/nosuch.webp"));
    check.Check("/v/{id}/{variant}.webp", "get", c.Get("/v/" + unknown + "/thumb.webp"));
    auto original = c.Get("/o/" + id);
    check.Check("/o/{id}", "get", original);
    check.Check("/o/{id}", "get",
                c.Get("/o/" + id, {{"If-None-Match", original->get_header_value("ETag")}}));
    check.Check("/o/{id}", "get", c.Get("/o/" + unknown));
    check.Check("/healthz", "get", c.Get("/healthz"));
    check.Check("/readyz", "get", c.Get("/readyz"));
    check.Check("/metrics", "get", c.Get("/metrics", h));
    check.Check("/api/openapi.json", "get", c.Get("/api/openapi.json"));
    auto index = c.Get("/");
    check.Check("/", "get", index);
    check.Check("/", "get", c.Get("/", {{"If-None-Match", index->get_header_value("ETag")}}));
    check.Check("/{asset}", "get", c.Get("/app.js"));
    check.Check("/{asset}", "get", c.Get("/app.css"));
    check.Check("/{asset}", "get", c.Get("/favicon.svg"));
    check.Check("/{asset}", "get", c.Get("/nosuch.js"));
    // Event mode: the archive, the event stream's refusal (a stream never ends by
    // itself), the join links and page, the branding.
    check.Check("/api/download.zip", "get", c.Get("/api/download.zip", h));
    auto link = c.Get("/api/download-link", h);
    check.Check("/api/download-link", "get", link);
    check.Check("/api/download.zip", "get",
                c.Get(nlohmann::json::parse(link->body)["url"].get<std::string>()));
    httplib::Headers bad_resume = h;
    bad_resume.emplace("Last-Event-ID", "not-a-seq");
    check.Check("/api/events", "get", c.Get("/api/events", bad_resume));
    check.Check("/join", "get", c.Get("/join"));
    check.Check("/api/join", "get", c.Get("/api/join", h));
    check.Check("/api/join.svg", "get", c.Get("/api/join.svg", h));
    check.Check("/api/join.svg", "get", c.Get("/api/join.svg?host=10.9.9.9", h));
    check.Check("/wall", "get", c.Get("/wall", h));
    check.Check("/api/wall", "get", c.Get("/api/wall", h));
    check.Check("/api/event", "get", c.Get("/api/event"));
    check.Check("/api/images/{id}/hide", "post",
                c.Post("/api/images/" + id + "/hide", h, "", "application/json"));
    check.Check("/api/images/{id}/approve", "post",
                c.Post("/api/images/" + id + "/approve", h, "", "application/json"));
    check.Check("/api/images/{id}/approve", "post",
                c.Post("/api/images/" + unknown + "/approve", h, "", "application/json"));
    check.Check("/api/images/{id}", "delete", c.Delete("/api/images/" + doomed, h));
    check.Check("/api/images/{id}", "delete", c.Delete("/api/images/" + doomed, h));
    check.Check("/api/webhooks/deliveries", "get", c.Get("/api/webhooks/deliveries", h));
    check.Check("/api/webhooks/deliveries/{id}/retry", "post",
                c.Post("/api/webhooks/deliveries/msg_0123/retry", h, "", "application/json"));
    if (auth) {
      for (const auto& [path, method, target] :
           std::vector<std::tuple<std::string, std::string, std::string>>{
               {"/api/jobs", "get", "/api/jobs"},
               {"/api/jobs/{id}", "get", "/api/jobs/" + id},
               {"/api/jobs/{id}/events", "get", "/api/jobs/" + id + "/events"},
               {"/metrics", "get", "/metrics"},
               {"/api/events", "get", "/api/events"},
               {"/api/download.zip", "get", "/api/download.zip"},
               {"/api/download.zip", "get", "/api/download.zip?exp=99999999999&sig=AAAA"},
               {"/api/download-link", "get", "/api/download-link"},
               {"/api/join", "get", "/api/join"}}) {
        check.Check(path, method, c.Get(target));
      }
      check.Check("/api/images/{id}", "delete", c.Delete("/api/images/" + id));
      check.Check("/api/uploads", "post",
                  c.Post("/api/uploads", httplib::MultipartFormDataItems{{"file", "x", "x", ""}}));
    }
    // Every documented operation was exercised at least once.
    int operations = 0;
    for (auto& [p, item] : doc["paths"].items()) operations += static_cast<int>(item.size());
    // with the batch, upload-grant, webhook delivery, event, wall, moderation and download routes
    CHECK(operations == 33);
    CHECK(check.checked >= operations);
  }
}
