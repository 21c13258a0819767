#include <catch2/catch.hpp>

#include "common/status.h"

using edgepix::ErrorCode;
using edgepix::Result;
using edgepix::Status;

TEST_CASE("Status carries a code, a name and an HTTP status") {
  Status ok = Status::Ok();
  CHECK(ok.ok());
  Status e = Status::Error(ErrorCode::kUnsupportedFormat, "HEIC is not accepted");
  CHECK_FALSE(e.ok());
  CHECK(std::string(edgepix::ErrorCodeName(e.code())) == "unsupported_format");
  CHECK(edgepix::HttpStatusFor(e.code()) == 415);
  CHECK(edgepix::HttpStatusFor(ErrorCode::kDiskFull) == 507);
  CHECK(edgepix::HttpStatusFor(ErrorCode::kQueueFull) == 503);
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
