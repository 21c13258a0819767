// x-amz-copy-source-if-* as S3 documents them (copy_conditions.h): each alone,
// the two documented pairs, ETag lists and "*", unquoted ETags, and dates that
// do not parse (ignored).
#include "s3/copy_conditions.h"

#include <catch2/catch.hpp>

using namespace edgepix::s3;

namespace {

const std::string kEtag = "\"5d41402abc4b2a76b9719d911017c592\"";
const std::string kModified = "2026-12-05T07:44:22.123Z";  // Sat, 05 Dec 2026 07:44:22 GMT
const char* kBefore = "Sat, 05 Dec 2026 06:44:22 GMT";
const char* kAt = "Sat, 05 Dec 2026 07:44:22 GMT";
const char* kAfter = "Sat, 05 Dec 2026 08:44:22 GMT";

using Opt = std::optional<std::string>;
// The four headers in order: if-match, if-none-match, if-modified-since,
// if-unmodified-since.
CopyConditions C(Opt match, Opt none_match, Opt modified_since, Opt unmodified_since) {
  CopyConditions c;
  c.if_match = std::move(match);
  c.if_none_match = std::move(none_match);
  c.if_modified_since = std::move(modified_since);
  c.if_unmodified_since = std::move(unmodified_since);
  return c;
}

bool Holds(const CopyConditions& c) { return !CheckCopyConditions(c, kEtag, kModified); }

}  // namespace

TEST_CASE("Copy conditions: each header alone") {
  CHECK(Holds(C({}, {}, {}, {})));
  CHECK(Holds(C(kEtag, {}, {}, {})));
  CHECK(Holds(C("5d41402abc4b2a76b9719d911017c592", {}, {}, {})));
  CHECK(Holds(C("*", {}, {}, {})));
  CHECK(Holds(C("\"00\", " + kEtag, {}, {}, {})));
  CHECK_FALSE(Holds(C("\"00\"", {}, {}, {})));
  CHECK_FALSE(Holds(C({}, kEtag, {}, {})));
  CHECK_FALSE(Holds(C({}, "*", {}, {})));
  CHECK(Holds(C({}, "\"00\"", {}, {})));
  CHECK(Holds(C({}, {}, kBefore, {})));
  CHECK_FALSE(Holds(C({}, {}, kAt, {})));
  CHECK_FALSE(Holds(C({}, {}, kAfter, {})));
  CHECK_FALSE(Holds(C({}, {}, {}, kBefore)));
  CHECK(Holds(C({}, {}, {}, kAt)));
  CHECK(Holds(C({}, {}, {}, kAfter)));
}

TEST_CASE("Copy conditions: S3's documented pairs and the error") {
  // If-Match true and If-Unmodified-Since false: the copy proceeds.
  CHECK(Holds(C(kEtag, {}, {}, kBefore)));
  CHECK_FALSE(Holds(C("\"00\"", {}, {}, kAfter)));
  // If-None-Match false and If-Modified-Since true: 412.
  CHECK_FALSE(Holds(C({}, kEtag, kBefore, {})));
  CHECK(Holds(C({}, "\"00\"", kAfter, {})));
  auto failed = CheckCopyConditions(C("\"00\"", {}, {}, {}), kEtag, kModified);
  REQUIRE(failed);
  CHECK(failed->code == "PreconditionFailed");
  CHECK(S3StatusFor(failed->code) == 412);
}

TEST_CASE("Copy conditions: dates that do not parse are ignored") {
  CHECK(Holds(C({}, {}, "yesterday", {})));
  CHECK(Holds(C({}, {}, {}, "2026-12-05")));
  CHECK(ParseHttpDate(kAt) == ParseIso8601(kModified));
  CHECK_FALSE(ParseHttpDate("Sat, 05 Dec 2026 07:44:22"));
}
