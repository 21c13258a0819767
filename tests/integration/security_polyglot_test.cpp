// Only sniffed raster formats are stored. SVG, HTML, XML, PDF, archives and
// script files are refused with 415; HTML dressed in an image signature fails
// its header check. A real image with a payload appended (JPEG+HTML, GIF+ZIP
// "GIFAR") is stored, because it is a valid image, and served only as that
// image type with nosniff, a sandboxing CSP and (originals) Content-Disposition,
// so no browser runs it as a document.
#include <catch2/catch.hpp>

#include "integration/security_support.h"
#include "integration/server_harness.h"

using namespace edgepix::testing;

TEST_CASE("non-raster and script-carrying uploads are refused with 415 and stored nowhere") {
  ServerProcess server;
  auto c = server.Client();
  const std::vector<std::pair<std::string, std::string>> refused = {
      {"x.svg", R"x(<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>)x"},
      {"x.svg", "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>"},
      {"x.html", "<!DOCTYPE html><html><script>alert(1)</script></html>"},
      {"x.jpg", "\xEF\xBB\xBF<html><script>alert(1)</script>"},  // BOM + HTML named .jpg
      {"x.png", "<script>alert(document.cookie)</script>"},
      {"x.pdf", "%PDF-1.4\n1 0 obj<<>>endobj\n"},
      {"x.zip", std::string("PK\x03\x04", 4) + std::string(60, '\0')},
      {"x.php", "<?php system($_GET['c']); ?>"},
      {"x.tif", std::string("II*\0", 4) + std::string(60, '\0')},
      {"x.heic", std::string("\0\0\0\x18"
                             "ftypheic",
                             12) +
                     std::string(60, '\0')},
  };
  for (const auto& [name, bytes] : refused) {
    INFO(name << ": " << bytes.substr(0, 40));
    auto r = UploadFiles(c, {{name, bytes}});
    REQUIRE(r);
    CHECK(r->status == 415);
    CHECK(ErrorCodeOf(r->body) == "unsupported_format");
  }
  // HTML behind a GIF or PNG signature: sniffed as the image, refused by its header check.
  for (const std::string& fake :
       {std::string("GIF89a<html><script>alert(1)</script></html>"),
        std::string("\x89PNG\r\n\x1a\n<html><script>alert(1)</script>")}) {
    auto r = UploadFiles(c, {{"fake.gif", fake}});
    REQUIRE(r);
    INFO(r->body);
    CHECK(r->status >= 400);
    CHECK(r->status < 500);
  }
  CHECK(JsonBody(c.Get("/api/jobs"))["jobs"].empty());
}

TEST_CASE("an image with a payload appended is served only as that image, inert") {
  ServerProcess server;
  auto c = server.Client();
  const std::string html = "<html><body><script>alert(document.domain)</script></body></html>";
  const std::string jpeg_html = MakeJpeg(64, 64) + html;
  const std::string gifar = MakeGif(16, 16) + std::string("PK\x03\x04", 4) + std::string(40, 'j');
  auto up = UploadFiles(c, {{"poly.html", jpeg_html}, {"gifar.jar", gifar}});
  REQUIRE(up->status == 202);
  auto body = JsonBody(up);
  REQUIRE(body["jobs"].size() == 2);
  const std::vector<std::string> types = {"image/jpeg", "image/gif"};
  for (int i = 0; i < 2; ++i) {
    const std::string id = body["jobs"][i]["id"];
    WaitForTerminal(c, id);
    auto o = c.Get("/o/" + id);
    REQUIRE(o->status == 200);
    CHECK(o->get_header_value("Content-Type") == types[i]);
    CHECK(o->get_header_value("X-Content-Type-Options") == "nosniff");
    CHECK(o->get_header_value("Content-Security-Policy").find("sandbox") != std::string::npos);
    CHECK(o->get_header_value("Content-Disposition").find("filename=") != std::string::npos);
    auto v = c.Get("/v/" + id + "/thumb.webp");
    if (v->status == 200) {
      CHECK(v->get_header_value("Content-Type") == "image/webp");
      // Variants are re-encoded pixels: the payload does not survive.
      CHECK(v->body.find("<script>") == std::string::npos);
      CHECK(v->get_header_value("X-Content-Type-Options") == "nosniff");
    }
  }
}

TEST_CASE("every answer carries nosniff and a request id, the UI a CSP") {
  ServerProcess server;
  for (const char* target : {"/", "/healthz", "/api/jobs", "/no/such", "/v/%2e%2e/x"}) {
    auto r = RawGet(server.port(), target);
    INFO(target << "\n" << r.headers);
    CHECK(r.headers.find("x-content-type-options: nosniff") != std::string::npos);
    CHECK(r.headers.find("x-request-id: ") != std::string::npos);
  }
  auto ui = RawGet(server.port(), "/");
  CHECK(ui.headers.find("content-security-policy: default-src 'self'") != std::string::npos);
}
