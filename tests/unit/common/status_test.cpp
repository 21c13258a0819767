#include "common/status.h"

#include <catch2/catch.hpp>
#include <map>
#include <string>

using edgepix::ErrorCode;
using edgepix::Result;
using edgepix::Status;

TEST_CASE("Status carries a code and a name") {
  Status ok = Status::Ok();
  CHECK(ok.ok());
  Status e = Status::Error(ErrorCode::kUnsupportedFormat, "HEIC is not accepted");
  CHECK_FALSE(e.ok());
  CHECK(std::string(edgepix::ErrorCodeName(e.code())) == "unsupported_format");
  CHECK(e.ToString() == "unsupported_format: HEIC is not accepted");
}

TEST_CASE("Result holds a value or an error") {
  Result<int> v(42);
  REQUIRE(v.ok());
  CHECK(*v == 42);
  Result<int> err(Status::Error(ErrorCode::kNotFound, "no such job"));
  CHECK_FALSE(err.ok());
  CHECK(err.status().code() == ErrorCode::kNotFound);
}

TEST_CASE("every ErrorCode has its own snake_case wire name") {
  std::map<std::string, int> seen;
  for (int i = 0; i < edgepix::kErrorCodeCount; ++i) {
    const auto code = static_cast<ErrorCode>(i);
    const std::string name = edgepix::ErrorCodeName(code);
    INFO("code " << i << ": " << name);
    REQUIRE_FALSE(name.empty());
    for (char c : name) CHECK(((c >= 'a' && c <= 'z') || c == '_'));
    // The switch falls back to "internal": only kInternal may have that name.
    if (name == "internal") CHECK(code == ErrorCode::kInternal);
    ++seen[name];
  }
  // The one documented pair: a variant not made yet and a server not ready both
  // answer "not_ready" (with different HTTP statuses).
  CHECK(seen["not_ready"] == 2);
  for (const auto& [name, count] : seen) {
    INFO(name);
    if (name != "not_ready") CHECK(count == 1);
  }
  CHECK(std::string(edgepix::ErrorCodeName(ErrorCode::kBusy)) == "busy");
  CHECK(std::string(edgepix::ErrorCodeName(ErrorCode::kBadPath)) == "bad_path");
}
