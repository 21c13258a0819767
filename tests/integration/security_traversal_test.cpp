// No path from a client reaches the filesystem: traversal attempts in every
// encoding we could think of get a 4xx JSON error, filenames are metadata only,
// and deleting an image leaves no file behind.
#include <catch2/catch.hpp>
#include <filesystem>

#include "integration/security_support.h"
#include "integration/server_harness.h"

using namespace edgepix::testing;
namespace fs = std::filesystem;

namespace {

struct Hostile {
  std::string target;
  int status;
  std::string code;
};

// Callers wait until every job is terminal first, so the tree is at rest; a
// temporary file that still vanishes mid-walk (SQLite's journal) is skipped
// rather than thrown on.
std::vector<std::string> FilesUnder(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    std::error_code type_ec;
    if (it->is_regular_file(type_ec)) out.push_back(fs::relative(it->path(), dir).string());
  }
  return out;
}

}  // namespace

TEST_CASE("traversal attempts in every encoding get 4xx JSON errors and read nothing") {
  ServerProcess server;
  const int port = server.port();
  const std::string id = "AAAAAAAAAAAAAAAAAAAAAA";
  const std::vector<Hostile> cases = {
      {"/v/..%2f..%2fetc/passwd", 400, "bad_path"},
      {"/v/..%2F..%2F..%2Fjobs.db", 400, "bad_path"},
      {"/v/%2e%2e/%2e%2e/etc/passwd", 400, "bad_path"},
      {"/o/%2e%2e%2f%2e%2e%2fetc%2fpasswd", 400, "bad_path"},
      {"/%2e%2e/%2e%2e/etc/passwd", 400, "bad_path"},
      {"/o/..%252f..%252fetc%252fpasswd", 400, "bad_path"},          // double-encoded
      {"/o/%252e%252e%252fjobs.db", 400, "bad_path"},                // double-encoded dots
      {"/o/..%5c..%5cetc%5cpasswd", 400, "bad_path"},                // encoded backslash
      {"/o/..\\..\\etc\\passwd", 400, "bad_path"},                   // raw backslash
      {"/v/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd", 400, "bad_path"},  // overlong UTF-8 '.'
      {"/o/%c0%af..%c0%afetc", 400, "bad_path"},                     // overlong UTF-8 '/'
      {"/o/%e0%80%ae%e0%80%ae", 400, "bad_path"},                    // 3-byte overlong '.'
      {"/o/" + id + "%00.jpg", 400, "bad_path"},                     // NUL
      {"/o/" + id + "%0d%0aSet-Cookie:x=1", 400, "bad_path"},        // CRLF injection
      {"/api/jobs/../../etc/passwd", 400, "bad_path"},
      {"/api/images/..%2f..%2fjobs.db", 400, "bad_path"},
      {"/index.html/../../jobs.db", 400, "bad_path"},
      {"//etc/passwd", 400, "bad_path"},
      {"/o//etc/passwd", 400, "bad_path"},
      {"/v/" + id + "/..%2f..%2f..%2fjobs.db", 400, "bad_path"},
      {"/v/" + id + "/%2e%2e.webp", 404, "not_found"},   // "...webp": not a segment ".."
      {"/o/" + std::string(65, 'A'), 404, "not_found"},  // id one over the limit
      {"/o/" + std::string(5000, 'A'), 404, "not_found"},
      {"/v/" + id + "/" + std::string(33, 'a') + ".webp", 404, "not_found"},
      {"/o/" + std::string(9000, 'A'), 414, "uri_too_long"},
      {"/jobs.db", 404, "not_found"},
      {"/originals/", 404, "not_found"},
      {"/etc/passwd", 404, "not_found"},
      {"/o/short", 404, "not_found"},
      {"/v/" + id + "/thumb.webp.", 404, "not_found"},
      {"/v/" + id + "/THUMB.webp", 404, "not_found"},
  };
  for (const auto& h : cases) {
    INFO("target: " << h.target.substr(0, 120));
    auto r = RawGet(port, h.target);
    CHECK(r.status == h.status);
    CHECK(ErrorCodeOf(r.body) == h.code);
    CHECK(r.body.find("root:") == std::string::npos);
  }
  // DELETE with traversal is refused the same way and deletes nothing.
  auto del = RawGet(port, "/api/images/..%2f..%2f" + id, "", "DELETE");
  CHECK(del.status == 400);
  // Still serving.
  CHECK(RawGet(port, "/healthz").status == 200);
}

TEST_CASE("client filenames are metadata only: hostile names are stored nowhere but the row") {
  ServerProcess server;
  auto c = server.Client();
  const std::vector<std::string> names = {"../../../../tmp/edgepix-evil.jpg",
                                          "/etc/passwd",
                                          "C:\\Windows\\evil.jpg",
                                          "..\\..\\evil.jpg",
                                          std::string("nul\0byte.jpg", 12),
                                          std::string(1000, 'n') + ".jpg",
                                          "\xc0\xae\xc0\xae/evil.jpg"};
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& n : names) files.emplace_back(n, MakeJpeg(32, 32));
  auto up = UploadFiles(c, files);
  REQUIRE(up);
  REQUIRE(up->status == 202);
  auto body = JsonBody(up);
  INFO(up->body.substr(0, 2000));
  REQUIRE(body["jobs"].size() == names.size());
  // Raw upload with ?filename=
  auto raw = c.Post("/api/uploads?filename=..%2F..%2Fraw-evil.jpg", MakeJpeg(32, 32),
                    "application/octet-stream");
  REQUIRE(raw->status == 202);
  std::vector<std::string> ids;
  for (auto& j : body["jobs"]) ids.push_back(j["id"]);
  ids.push_back(JsonBody(raw)["jobs"][0]["id"]);

  // CR LF inside a part's filename breaks that part's header framing: the part is
  // refused or taken with a cleaned name, never a header of ours.
  auto crlf = UploadFiles(c, {{"evil\r\nX-Injected: 1.jpg", MakeJpeg(32, 32)}});
  REQUIRE(crlf);
  CHECK(crlf->status < 500);
  CHECK_FALSE(crlf->has_header("X-Injected"));
  // The names are kept as metadata, reduced to their last path component.
  auto list = c.Get("/api/jobs");
  REQUIRE(list->status == 200);
  const auto listed = JsonBody(list);
  for (auto& j : listed["jobs"]) {
    const std::string name = j["filename"];
    INFO(name);
    CHECK(name.find('/') == std::string::npos);
    CHECK(name.find('\\') == std::string::npos);
    CHECK(name.find('\n') == std::string::npos);
  }
  for (const auto& id : ids) {
    auto o = c.Get("/o/" + id);
    REQUIRE(o->status == 200);
    const std::string disposition = o->get_header_value("Content-Disposition");
    INFO(disposition);
    CHECK(disposition.find('/') == std::string::npos);
    CHECK(disposition.find('\\') == std::string::npos);
    CHECK(disposition.find('\r') == std::string::npos);
    CHECK(disposition.find('\n') == std::string::npos);
    CHECK_FALSE(o->has_header("X-Injected"));
  }
  for (const auto& id : ids) CHECK(WaitForTerminal(c, id)["status"] == "COMPLETED");
  if (crlf->status == 202) {
    for (auto& j : JsonBody(crlf)["jobs"]) WaitForTerminal(c, j["id"]);
  }
  CHECK_FALSE(fs::exists("/tmp/edgepix-evil.jpg"));
  CHECK_FALSE(fs::exists(fs::path(server.data_dir()).parent_path() / "raw-evil.jpg"));
  // Every stored file is named by an id the server generated, never by the client.
  for (const auto& f : FilesUnder(server.data_dir())) {
    INFO(f);
    CHECK(f.find("evil") == std::string::npos);
    CHECK(f.find("passwd") == std::string::npos);
  }
}

TEST_CASE("deleting an image leaves no file behind") {
  ServerProcess server;
  auto c = server.Client();
  auto up = UploadFiles(c, {{"keep.png", MakePng(200, 100)}, {"gone.jpg", MakeJpeg(300, 200)}});
  auto body = JsonBody(up);
  const std::string keep = body["jobs"][0]["id"], gone = body["jobs"][1]["id"];
  REQUIRE(WaitForTerminal(c, keep)["status"] == "COMPLETED");
  REQUIRE(WaitForTerminal(c, gone)["status"] == "COMPLETED");
  auto mentions = [&](const std::string& id) {
    int n = 0;
    for (const auto& f : FilesUnder(server.data_dir())) n += f.find(id) != std::string::npos;
    return n;
  };
  REQUIRE(mentions(gone) >= 4);  // the original and three variants
  auto del = c.Delete("/api/images/" + gone);
  REQUIRE(del);
  CHECK(del->status == 204);
  CHECK(mentions(gone) == 0);
  CHECK(mentions(keep) >= 4);
  CHECK(c.Get("/api/jobs/" + gone)->status == 404);
  CHECK(c.Get("/o/" + gone)->status == 404);
  CHECK(c.Get("/v/" + gone + "/thumb.webp")->status == 404);
  auto again = c.Delete("/api/images/" + gone);
  CHECK(again->status == 404);
  CHECK(ErrorCodeOf(again->body) == "not_found");
}
