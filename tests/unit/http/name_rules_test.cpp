// Image ids and variant names are refused the same way by the routes, the
// storage layer, the variant parser and the OpenAPI document.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "http/openapi.h"
#include "http/route_table.h"
#include "image/pipeline.h"
#include "storage/blob_names.h"

using edgepix::http::MatchRoute;
using edgepix::http::OpenApiDocument;

namespace {

const std::string kGoodId = "AAAAAAAAAAAAAAAAAAAAAA";

// Strings of every length 0..70 made of one character, for characters inside
// and outside each alphabet.
std::vector<std::string> Candidates(const std::string& chars) {
  std::vector<std::string> out;
  for (char c : chars) {
    for (size_t n = 0; n <= 70; ++n) out.push_back(std::string(n, c));
  }
  return out;
}

std::regex DocumentedPattern(const nlohmann::json& schema_holder) {
  return std::regex(schema_holder["schema"]["pattern"].get<std::string>());
}

}  // namespace

TEST_CASE("an image id is refused the same way by routes, storage and the OpenAPI document") {
  auto doc = nlohmann::json::parse(OpenApiDocument());
  const std::regex documented = DocumentedPattern(doc["components"]["parameters"]["id"]);
  for (const std::string& id : Candidates("Az9_-.~/")) {
    INFO("id: \"" << id << "\" (" << id.size() << " characters)");
    const bool valid = edgepix::ValidateImageId(id).ok();
    CHECK(std::regex_search(id, documented) == valid);
    CHECK((MatchRoute("GET", "/api/jobs/" + id) != nullptr) == valid);
    CHECK((MatchRoute("GET", "/api/jobs/" + id + "/events") != nullptr) == valid);
    CHECK((MatchRoute("DELETE", "/api/images/" + id) != nullptr) == valid);
    CHECK((MatchRoute("GET", "/v/" + id + "/thumb.webp") != nullptr) == valid);
    CHECK((MatchRoute("GET", "/o/" + id) != nullptr) == valid);
  }
  // The bounds themselves: 8 and 64 characters are ids, 1..7 and 65 are not.
  CHECK(edgepix::ValidateImageId(std::string(8, 'a')).ok());
  CHECK(edgepix::ValidateImageId(std::string(64, 'a')).ok());
  CHECK_FALSE(edgepix::ValidateImageId(std::string(7, 'a')).ok());
  CHECK_FALSE(edgepix::ValidateImageId(std::string(65, 'a')).ok());
}

TEST_CASE(
    "a variant name is refused the same way by routes, storage, --variant and the OpenAPI "
    "document") {
  auto doc = nlohmann::json::parse(OpenApiDocument());
  nlohmann::json variant_param;
  for (const auto& p : doc["paths"]["/v/{id}/{variant}.webp"]["get"]["parameters"]) {
    if (p.contains("name") && p["name"] == "variant") variant_param = p;
  }
  REQUIRE(variant_param.is_object());
  const std::regex documented = DocumentedPattern(variant_param);
  for (const std::string& name : Candidates("az9_-A.")) {
    INFO("name: \"" << name << "\" (" << name.size() << " characters)");
    const bool valid = edgepix::ValidateVariantName(name).ok();
    CHECK(std::regex_search(name, documented) == valid);
    CHECK((MatchRoute("GET", "/v/" + kGoodId + "/" + name + ".webp") != nullptr) == valid);
    CHECK(edgepix::image::ParseVariantSpec(name + ":10x10:cover").ok() == valid);
  }
  CHECK(edgepix::ValidateVariantName(std::string(32, 'a')).ok());
  CHECK_FALSE(edgepix::ValidateVariantName(std::string(33, 'a')).ok());
}
