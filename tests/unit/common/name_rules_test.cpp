// The name predicates and the regex texts published for routes and the OpenAPI
// document are one rule: they agree on every byte and every length.
#include "common/name_rules.h"

#include <catch2/catch.hpp>
#include <regex>
#include <string>

using namespace edgepix;

TEST_CASE("IsValidImageId and ImageIdPattern agree on every byte and length") {
  const std::regex pattern("^" + ImageIdPattern() + "$");
  for (int b = 0; b < 256; ++b) {
    for (size_t n : {size_t{0}, size_t{1}, kImageIdMinLength - 1, kImageIdMinLength,
                     kImageIdMaxLength, kImageIdMaxLength + 1}) {
      const std::string id(n, static_cast<char>(b));
      INFO("byte " << b << ", length " << n);
      CHECK(IsValidImageId(id) == std::regex_match(id, pattern));
    }
  }
  CHECK(IsValidImageId("AZaz09_-"));
  CHECK_FALSE(IsValidImageId("AZaz09_"));  // 7 characters
  CHECK_FALSE(IsValidImageId(std::string(kImageIdMaxLength + 1, 'a')));
  CHECK_FALSE(IsValidImageId(std::string("abcd\0efgh", 9)));
}

TEST_CASE("IsValidVariantName and VariantNamePattern agree on every byte and length") {
  const std::regex pattern("^" + VariantNamePattern() + "$");
  for (int b = 0; b < 256; ++b) {
    for (size_t n : {size_t{0}, size_t{1}, kVariantNameMaxLength, kVariantNameMaxLength + 1}) {
      const std::string name(n, static_cast<char>(b));
      INFO("byte " << b << ", length " << n);
      CHECK(IsValidVariantName(name) == std::regex_match(name, pattern));
    }
  }
  CHECK(IsValidVariantName("thumb_2x-a"));
  CHECK_FALSE(IsValidVariantName("Thumb"));
  CHECK_FALSE(IsValidVariantName(""));
}
