// Bad inputs get JSON errors with the right status, and the server survives them.
#include <catch2/catch.hpp>

#include "integration/server_harness.h"
#include "jobs/intake.h"
#include "jobs/job_store.h"
#include "storage/blob_store.h"

using namespace edgepix::testing;

namespace {

void CheckJsonError(const httplib::Result& r, int status, const std::string& code) {
  REQUIRE(r);
  INFO("body: " << r->body);
  CHECK(r->status == status);
  CHECK(r->get_header_value("Content-Type") == "application/json");
  auto body = JsonBody(r);
  CHECK(body["error"]["code"] == code);
  CHECK_FALSE(body["error"]["message"].get<std::string>().empty());
}

}  // namespace

TEST_CASE("non-images, malformed requests and unknown ids get JSON errors") {
  ServerProcess server;
  auto c = server.Client();
  CheckJsonError(UploadFiles(c, {{"notes.txt", "hello, this is not an image\n"}}), 415,
                 "unsupported_format");
  CheckJsonError(UploadFiles(c, {{"page.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>"}}), 415,
                 "unsupported_format");
  CheckJsonError(UploadFiles(c, {{"empty.jpg", ""}}), 400, "bad_request");
  // A multipart body whose boundary never appears.
  CheckJsonError(
      c.Post("/api/uploads", "garbage without any boundary", "multipart/form-data; boundary=XYZ"),
      400, "bad_request");
  // A multipart body without a `file` field.
  httplib::MultipartFormDataItems other = {{"note", "hi", "", "text/plain"}};
  CheckJsonError(c.Post("/api/uploads", other), 400, "bad_request");
  CheckJsonError(c.Get("/api/jobs/AAAAAAAAAAAAAAAAAAAAAA"), 404, "not_found");
  CheckJsonError(c.Get("/api/jobs/short"), 404, "not_found");
  CheckJsonError(c.Get("/v/AAAAAAAAAAAAAAAAAAAAAA/thumb.webp"), 404, "not_found");
  CheckJsonError(c.Get("/o/AAAAAAAAAAAAAAAAAAAAAA"), 404, "not_found");
  CheckJsonError(c.Get("/no/such/route"), 404, "not_found");
  CheckJsonError(c.Get("/api/jobs/AAAAAAAAAAAAAAAAAAAAAA?wait=abc"), 400, "bad_request");
  // Still alive and well.
  auto health = c.Get("/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);
}

TEST_CASE("a header that declares too many pixels is refused before decoding") {
  ServerProcess server;
  auto c = server.Client();
  CheckJsonError(UploadFiles(c, {{"bomb.png", MakePngHeaderOnly(65535, 65535)}}), 422,
                 "too_many_pixels");
}

TEST_CASE("a corrupt image ends FAILED with a reason and does not block other jobs") {
  ServerProcess server({"--workers", "1"});
  auto c = server.Client();
  std::string jpeg = MakeJpeg(640, 480);
  std::string truncated = jpeg.substr(0, 700);
  auto body = JsonBody(UploadFiles(c, {{"cut.jpg", truncated}, {"good.jpg", jpeg}}));
  REQUIRE(body["jobs"].size() == 2);
  auto bad = WaitForTerminal(c, body["jobs"][0]["id"]);
  auto good = WaitForTerminal(c, body["jobs"][1]["id"]);
  CHECK(good["status"] == "COMPLETED");
  // A JPEG cut inside its scan data is refused, never rendered half grey.
  CHECK(bad["status"] == "FAILED");
  CHECK(bad["error"]["code"] == "undecodable");
  CHECK(bad["variants"].empty());
}

TEST_CASE("uploads over --max-upload-mb get 413, with or without Content-Length") {
  ServerProcess server({"--max-upload-mb", "1"});
  auto c = server.Client();
  std::string big = MakeBmp(800, 600);  // ~1.4 MB
  REQUIRE(big.size() > (1u << 20));
  CheckJsonError(UploadFiles(c, {{"big.bmp", big}}), 413, "too_large");
  CheckJsonError(c.Post("/api/uploads?filename=big.bmp", big, "application/octet-stream"), 413,
                 "too_large");
  // Chunked transfer encoding: no Content-Length to check up front.
  size_t sent = 0;
  auto chunked = c.Post(
      "/api/uploads?filename=big.bmp",
      [&](size_t, httplib::DataSink& sink) {
        if (sent >= big.size()) {
          sink.done();
          return true;
        }
        size_t n = std::min<size_t>(64 * 1024, big.size() - sent);
        sink.write(big.data() + sent, n);
        sent += n;
        return true;
      },
      "application/octet-stream");
  CheckJsonError(chunked, 413, "too_large");
  // Nothing of the refused uploads is listed.
  auto list = JsonBody(c.Get("/api/jobs"));
  CHECK(list["jobs"].empty());
}

TEST_CASE("a restart finds PENDING and interrupted PROCESSING work and finishes it") {
  TempDir dir;
  const std::string data = dir.Join("data");
  std::vector<std::string> ids;
  {
    // A hard kill while one worker is busy and more uploads wait.
    ServerProcess server({"--workers", "1"}, data);
    auto c = server.Client();
    auto body = JsonBody(UploadFiles(c, {{"1.jpg", MakeJpeg(3000, 2000)},
                                         {"2.jpg", MakeJpeg(2000, 1500)},
                                         {"3.png", MakePng(800, 600)}}));
    for (const auto& j : body["jobs"]) ids.push_back(j["id"]);
    server.Kill(SIGKILL);
  }
  {
    // Deterministic leftovers, written with the server down: one PENDING job and
    // one PROCESSING job, as a crash in the middle of processing leaves them.
    auto blobs = edgepix::OpenLocalBlobStore(edgepix::Env::Default(), data);
    REQUIRE(blobs.ok());
    auto store = edgepix::OpenSqliteJobStore(data + "/jobs.db");
    REQUIRE(store.ok());
    for (int i = 0; i < 2; ++i) {
      edgepix::Job job;
      job.id = edgepix::NewJobId();
      job.filename = "seeded.jpg";
      job.created_at = job.updated_at = edgepix::NowIso8601();
      std::string bytes = MakeJpeg(500, 400);
      job.original.bytes = bytes.size();
      job.original.format = "jpeg";
      auto writer = (*blobs)->BeginOriginal(job.id);
      REQUIRE(writer.ok());
      REQUIRE((*writer)->Append(bytes.data(), bytes.size()).ok());
      REQUIRE((*writer)->Commit().ok());
      REQUIRE((*store)->Insert(job).ok());
      ids.push_back(job.id);
    }
    auto claimed = (*store)->ClaimNext();  // the oldest PENDING: one of the killed run's, or ours
    REQUIRE(claimed.ok());
  }
  ServerProcess restarted({"--workers", "1"}, data);
  auto c = restarted.Client();
  for (const auto& id : ids) {
    INFO(id);
    auto job = WaitForTerminal(c, id);
    CHECK(job["status"] == "COMPLETED");
    CHECK(job["variants"].size() == 3);
  }
}

TEST_CASE("an id of 1-7 characters is refused like any other malformed id, on every id route") {
  // With a token configured and none sent: a malformed id matches no route, so it
  // is 404 whether the route is protected or not, the same answer as a 65-character id.
  const std::string token = "refusals-test-token-0123456789";
  ServerProcess server({"--token", token});
  auto c = server.Client();
  for (const std::string& id :
       {std::string("a"), std::string("short"), std::string(7, 'Z'), std::string(65, 'Z')}) {
    INFO("id: " << id);
    CheckJsonError(c.Get("/api/jobs/" + id), 404, "not_found");
    CheckJsonError(c.Get("/api/jobs/" + id + "/events"), 404, "not_found");
    CheckJsonError(c.Delete("/api/images/" + id), 404, "not_found");
    CheckJsonError(c.Get("/v/" + id + "/thumb.webp"), 404, "not_found");
    CheckJsonError(c.Get("/o/" + id), 404, "not_found");
  }
  // A well-formed id still reaches the access check.
  auto r = c.Get("/api/jobs/" + std::string(8, 'Z'));
  REQUIRE(r);
  CHECK(r->status == 401);
}
