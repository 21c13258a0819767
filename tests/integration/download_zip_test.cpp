// GET /api/download.zip against the real binary: 40 photos come back as a
// stored ZIP whose 40 entries, read with Python's zipfile (CRCs checked by
// testzip), equal the uploaded bytes; ?variant=large holds the large WebPs.
#include <catch2/catch.hpp>
#include <fstream>
#include <map>

#include "integration/ops_process.h"
#include "integration/security_support.h"
#include "integration/server_harness.h"

using namespace edgepix::testing;

namespace {

const std::string kToken = "owner-token-for-the-zip-download";
const httplib::Headers kOwner = {{"Authorization", "Bearer " + kToken}};

const char* kCheckZip = R"py(
import os, sys, zipfile
archive, folder, expected = sys.argv[1], sys.argv[2], int(sys.argv[3])
with zipfile.ZipFile(archive) as z:
    infos = z.infolist()
    assert len(infos) == expected, f"{len(infos)} entries, expected {expected}"
    assert z.testzip() is None, "a CRC does not match"
    for info in infos:
        assert info.compress_type == zipfile.ZIP_STORED, info.filename
        assert "/" not in info.filename, info.filename
        with open(os.path.join(folder, info.filename), "rb") as f:
            assert z.read(info) == f.read(), f"{info.filename} differs"
print("ok")
)py";

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

}  // namespace

TEST_CASE("download.zip of 40 photos holds their exact bytes, stored") {
  if (RunShell("command -v python3 >/dev/null 2>&1") != 0) {
    Skip("python3 is not installed");
    return;
  }
  ServerProcess server({"--token", kToken, "--guest-code", "zip-guest-code", "--workers", "2"});
  auto c = server.Client();
  TempDir temp;
  const std::string originals = temp.Join("originals"), large = temp.Join("large");
  REQUIRE(RunShell("mkdir -p " + originals + " " + large) == 0);
  WriteFile(temp.Join("check.py"), kCheckZip);

  std::map<std::string, std::string> ids;  // name -> id
  for (int i = 0; i < 40; ++i) {
    const std::string name = "photo-" + std::to_string(i) + ".jpg";
    const std::string bytes = MakeJpeg(40 + i, 30 + (i % 7));
    WriteFile(originals + "/" + name, bytes);
    httplib::MultipartFormDataItems items = {{"file", bytes, name, "image/jpeg"}};
    auto r = c.Post("/api/uploads", kOwner, items);
    REQUIRE(r);
    REQUIRE(r->status == 202);
    ids[name] = JsonBody(r)["jobs"][0]["id"];
  }
  for (const auto& [name, id] : ids) {
    nlohmann::json job;
    for (int i = 0; i < 60; ++i) {
      job = JsonBody(c.Get("/api/jobs/" + id + "?wait=30", kOwner));
      if (job["status"] == "COMPLETED" || job["status"] == "FAILED") break;
    }
    REQUIRE(job["status"] == "COMPLETED");
    auto webp = c.Get("/v/" + id + "/large.webp");
    REQUIRE(webp->status == 200);
    WriteFile(large + "/" + name.substr(0, name.size() - 4) + "-large.webp", webp->body);
  }

  auto zip = c.Get("/api/download.zip", kOwner);
  REQUIRE(zip);
  REQUIRE(zip->status == 200);
  CHECK(zip->get_header_value("Content-Type") == "application/zip");
  CHECK(zip->get_header_value("Transfer-Encoding") == "chunked");
  CHECK(zip->get_header_value("Content-Disposition").find("edgepix-originals.zip") !=
        std::string::npos);
  WriteFile(temp.Join("all.zip"), zip->body);
  CHECK(RunShell("python3 " + temp.Join("check.py") + " " + temp.Join("all.zip") + " " + originals +
                 " 40") == 0);

  auto variants = c.Get("/api/download.zip?variant=large", kOwner);
  REQUIRE(variants->status == 200);
  WriteFile(temp.Join("large.zip"), variants->body);
  CHECK(RunShell("python3 " + temp.Join("check.py") + " " + temp.Join("large.zip") + " " + large +
                 " 40") == 0);

  CHECK(c.Get("/api/download.zip?variant=../x", kOwner)->status == 400);
  CHECK(c.Get("/api/download.zip")->status == 401);
  auto joined = c.Get("/?g=zip-guest-code");
  REQUIRE(joined->status == 303);
  const std::string cookie = joined->get_header_value("Set-Cookie");
  const httplib::Headers guest = {{"Cookie", cookie.substr(0, cookie.find(';'))}};
  CHECK(c.Get("/api/download.zip", guest)->status == 403);

  // The page's "Download all" link: signed by the owner's GET /api/download-link, it needs no
  // token (a browser's link cannot send one); a guest gets no link; a changed signature, or the
  // signature with another expiry, is refused.
  CHECK(c.Get("/api/download-link", guest)->status == 403);
  CHECK(c.Get("/api/download-link")->status == 401);
  auto links = JsonBody(c.Get("/api/download-link", kOwner));
  const std::string url = links["url"], large_url = links["large_url"];
  REQUIRE(url.rfind("/api/download.zip?exp=", 0) == 0);
  auto linked = c.Get(url);
  REQUIRE(linked->status == 200);
  WriteFile(temp.Join("linked.zip"), linked->body);
  CHECK(RunShell("python3 " + temp.Join("check.py") + " " + temp.Join("linked.zip") + " " +
                 originals + " 40") == 0);
  auto linked_large = c.Get(large_url);
  REQUIRE(linked_large->status == 200);
  CHECK(linked_large->get_header_value("Content-Disposition").find("edgepix-large.zip") !=
        std::string::npos);
  std::string tampered = url;
  char& inside = tampered[tampered.find("sig=") + 10];  // a character that carries 6 bits
  inside = inside == 'A' ? 'g' : 'A';
  CHECK(c.Get(tampered)->status == 401);
  CHECK(c.Get("/api/download.zip?exp=1000&sig=" + url.substr(url.find("sig=") + 4))->status == 401);
}
