// The S3 event notification body: AWS's record shape, the key encoded as S3's
// event keys are (spaces as '+', '/' kept, other bytes %XX), unquoted eTag,
// no size/eTag on a delete, sequencers that keep growing.
#include "webhooks/s3_event_body.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace edgepix::webhooks;

TEST_CASE("S3 event body: key encoding as in S3's event messages") {
  CHECK(S3EventKeyEncode("photos/a b.jpg") == "photos/a+b.jpg");
  CHECK(S3EventKeyEncode("a+b=c&d") == "a%2Bb%3Dc%26d");
  CHECK(S3EventKeyEncode("x-y_z.~1") == "x-y_z.~1");
  CHECK(S3EventKeyEncode("\xc3\xa9t\xc3\xa9") == "%C3%A9t%C3%A9");
  CHECK(S3EventKeyEncode("../k") == "../k");
}

TEST_CASE("S3 event body: records for a put and a delete") {
  S3ObjectEvent put;
  put.event_name = "ObjectCreated:Put";
  put.region = "us-east-1";
  put.event_time = "2026-12-04T15:52:00.123Z";
  put.bucket = "photos";
  put.key = "u 1/p.jpg";
  put.size = 42;
  put.etag = "\"5d41402abc4b2a76b9719d911017c592\"";
  put.sequencer = "00000000000000002A";
  auto body = nlohmann::json::parse(S3EventBody(put));
  REQUIRE(body["Records"].size() == 1);
  const auto& r = body["Records"][0];
  CHECK(r["eventSource"] == "aws:s3");
  CHECK(r["eventName"] == "ObjectCreated:Put");
  CHECK(r["eventTime"] == "2026-12-04T15:52:00.123Z");
  CHECK(r["awsRegion"] == "us-east-1");
  CHECK(r["s3"]["bucket"]["name"] == "photos");
  CHECK(r["s3"]["bucket"]["arn"] == "arn:aws:s3:::photos");
  CHECK(r["s3"]["object"]["key"] == "u+1/p.jpg");
  CHECK(r["s3"]["object"]["size"] == 42);
  CHECK(r["s3"]["object"]["eTag"] == "5d41402abc4b2a76b9719d911017c592");
  CHECK(r["s3"]["object"]["sequencer"] == "00000000000000002A");

  S3ObjectEvent del = put;
  del.event_name = "ObjectRemoved:Delete";
  auto removed = nlohmann::json::parse(S3EventBody(del))["Records"][0]["s3"]["object"];
  CHECK(removed["key"] == "u+1/p.jpg");
  CHECK_FALSE(removed.contains("size"));
  CHECK_FALSE(removed.contains("eTag"));
}

TEST_CASE("S3 event body: sequencers grow and time has milliseconds") {
  std::string last = NextS3Sequencer();
  for (int i = 0; i < 1000; ++i) {
    std::string next = NextS3Sequencer();
    REQUIRE(next.size() == last.size());
    REQUIRE(next > last);
    last = next;
  }
  const std::string now = S3EventTimeNow();
  CHECK(now.size() == 24);
  CHECK(now[10] == 'T');
  CHECK(now[19] == '.');
  CHECK(now.back() == 'Z');
}
