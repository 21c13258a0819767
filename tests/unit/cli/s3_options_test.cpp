// The --s3-* flags: off by default, credentials required, the credentials file
// format, repeatable buckets (flag or EDGEPIX_S3_BUCKET), the variant-key template,
// the multipart upload TTL.
#include "cli/s3_options.h"

#include <catch2/catch.hpp>

#include "unit/support/fixtures.h"

using namespace edgepix;
using namespace edgepix::cli;

namespace {

Result<std::optional<s3::S3Options>> Parse(const std::vector<std::string>& args,
                                           const std::map<std::string, std::string>& env = {}) {
  auto defs = S3OptionDefs();
  defs.push_back({"cors-origin", "", "", true});
  auto parsed = ParseOptions(defs, args, env);
  if (!parsed.ok()) return parsed.status();
  return S3OptionsFrom(*parsed);
}

}  // namespace

TEST_CASE("S3 options: off unless --s3-listen, and a listener needs credentials") {
  auto off = Parse({});
  REQUIRE(off.ok());
  CHECK_FALSE(off->has_value());
  CHECK(Parse({"--s3-listen", "127.0.0.1:9000"}).status().code() == ErrorCode::kBadRequest);
  CHECK(Parse({"--s3-listen", "127.0.0.1:9000", "--s3-access-key", "AK"}).status().code() ==
        ErrorCode::kBadRequest);
  CHECK(Parse({"--s3-listen", "nonsense", "--s3-access-key", "AK", "--s3-secret-key", "S"})
            .status()
            .code() == ErrorCode::kBadRequest);
  auto on = Parse({"--s3-access-key", "AK", "--s3-secret-key", "S", "--s3-bucket", "photos",
                   "--s3-bucket", "docs"},
                  {{"EDGEPIX_S3_LISTEN", "[::1]:9000"}});
  REQUIRE(on.ok());
  REQUIRE(on->has_value());
  CHECK((*on)->host == "::1");
  CHECK((*on)->port == 9000);
  CHECK((*on)->credentials.at("AK") == "S");
  CHECK((*on)->buckets == std::vector<std::string>{"photos", "docs"});
  CHECK((*on)->region == "us-east-1");
  CHECK((*on)->variant_key == "{key}.{variant}.webp");
}

TEST_CASE("S3 options: the credentials file, bucket names and the variant-key template") {
  testing::TempDir dir;
  const std::string file = dir.Join("creds");
  testing::WriteFileOrDie(file, "# keys\nAKONE secret/one+x\n\n  AKTWO:secret-two  \n");
  auto on = Parse({"--s3-listen", "127.0.0.1:0", "--s3-credentials-file", file});
  REQUIRE(on.ok());
  CHECK((*on)->credentials.size() == 2);
  CHECK((*on)->credentials.at("AKONE") == "secret/one+x");
  CHECK((*on)->credentials.at("AKTWO") == "secret-two");
  testing::WriteFileOrDie(file, "AKONLY\n");
  CHECK(Parse({"--s3-listen", "127.0.0.1:0", "--s3-credentials-file", file}).status().code() ==
        ErrorCode::kBadRequest);
  const std::vector<std::string> creds = {"--s3-listen", "127.0.0.1:0",     "--s3-access-key",
                                          "AK",          "--s3-secret-key", "S"};
  auto with = [&](std::vector<std::string> more) {
    more.insert(more.begin(), creds.begin(), creds.end());
    return Parse(more).status().code();
  };
  CHECK(with({"--s3-bucket", "Bad_Name"}) == ErrorCode::kBadRequest);
  CHECK(with({"--s3-variant-key", "{key}"}) == ErrorCode::kBadRequest);
  CHECK(with({"--s3-variant-key", "{variant}/{key}"}) == ErrorCode::kBadRequest);
  CHECK(with({"--s3-variant-key", "{key}{variant}"}) == ErrorCode::kBadRequest);
  CHECK(with({"--s3-variant-key", "variants/{key}/{variant}.webp"}) == ErrorCode::kOk);
}

TEST_CASE("S3 options: --s3-notify URLs (repeatable, checked) and --s3-complete-marker") {
  const std::vector<std::string> base = {"--s3-listen", "127.0.0.1:0",     "--s3-access-key",
                                         "AK",          "--s3-secret-key", "S"};
  auto off = Parse(base);
  REQUIRE(off.ok());
  CHECK((*off)->notify.empty());
  CHECK((*off)->complete_marker.empty());
  auto args = base;
  args.insert(args.end(), {"--s3-notify", "http://127.0.0.1:8080/a", "--s3-notify",
                           "https://example.test/b", "--s3-complete-marker", "_complete"});
  auto on = Parse(args);
  REQUIRE(on.ok());
  CHECK((*on)->notify ==
        std::vector<std::string>{"http://127.0.0.1:8080/a", "https://example.test/b"});
  CHECK((*on)->complete_marker == "_complete");
  auto bad_url = base;
  bad_url.insert(bad_url.end(), {"--s3-notify", "ftp://x/y"});
  CHECK(Parse(bad_url).status().code() == ErrorCode::kBadRequest);
  auto bad_marker = base;
  bad_marker.insert(bad_marker.end(), {"--s3-complete-marker", "a/_complete"});
  CHECK(Parse(bad_marker).status().code() == ErrorCode::kBadRequest);
  auto from_env = Parse(base, {{"EDGEPIX_S3_NOTIFY", "http://h/1,http://h/2"}});
  REQUIRE(from_env.ok());
  CHECK((*from_env)->notify.size() == 2);
}

TEST_CASE("S3 options: --s3-multipart-ttl, 24 hours unless set, in --retain's units") {
  const std::vector<std::string> base = {"--s3-listen", "127.0.0.1:0",     "--s3-access-key",
                                         "AK",          "--s3-secret-key", "S"};
  auto fallback = Parse(base);
  REQUIRE(fallback.ok());
  CHECK((*fallback)->multipart_ttl == std::chrono::hours(24));
  auto args = base;
  args.insert(args.end(), {"--s3-multipart-ttl", "90m"});
  auto set = Parse(args);
  REQUIRE(set.ok());
  CHECK((*set)->multipart_ttl == std::chrono::minutes(90));
  auto from_env = Parse(base, {{"EDGEPIX_S3_MULTIPART_TTL", "2d"}});
  REQUIRE(from_env.ok());
  CHECK((*from_env)->multipart_ttl == std::chrono::hours(48));
  auto bad = base;
  bad.insert(bad.end(), {"--s3-multipart-ttl", "soon"});
  CHECK(Parse(bad).status().code() == ErrorCode::kBadRequest);
}
