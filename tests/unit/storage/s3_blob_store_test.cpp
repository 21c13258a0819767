// What the S3 store adds to BlobStore's contract (storage/s3_blob_store.h),
// against a real Ceph RGW (SKIPPED without Debian's ceph): multipart uploads
// past the threshold, retries through a "restart" of the server (FaultProxy
// cuts the connections and fails the next ones), giving up as kUnavailable,
// a replaced object never read as a mix, other nodes' temp objects left alone,
// refusals at open.
#include "storage/s3_blob_store.h"

#include <catch2/catch.hpp>

#include "common/metrics.h"
#include "storage/s3_client.h"
#include "unit/storage/fault_proxy.h"
#include "unit/storage/store_fixtures.h"
#include "unit/support/skip.h"

using edgepix::BlobStore;
using edgepix::ErrorCode;
using edgepix::OpenS3BlobStore;
using edgepix::S3BlobConfig;
using edgepix::testing::FaultProxy;
using edgepix::testing::FreshRgwBucket;

namespace {

const std::string kId = "S3storeImage01";

std::string Pattern(size_t n, int seed) {
  std::string data(n, '\0');
  for (size_t i = 0; i < n; ++i) data[i] = static_cast<char>((i * 13 + seed) % 253);
  return data;
}

int PortOf(const std::string& endpoint) {
  return std::stoi(endpoint.substr(endpoint.rfind(':') + 1));
}

double Retries(const char* op) {
  return edgepix::metrics::Registry::Default()
      .Counter("edgepix_blob_store_retries_total", "", {"store", "op"})
      .Value({"s3", op});
}

std::string HeadEtag(const S3BlobConfig& config, const std::string& key) {
  edgepix::s3client::S3Client client(config);
  edgepix::s3client::S3Request head;
  head.method = "HEAD";
  head.key = key;
  auto answer = client.Send(head);
  REQUIRE(answer.ok());
  REQUIRE(answer->status == 200);
  return answer->Header("etag");
}

}  // namespace

#define EDGEPIX_FRESH_BUCKET(config)                               \
  S3BlobConfig config;                                             \
  std::string config##_skip, config##_error;                       \
  if (!FreshRgwBucket(&config, &config##_skip, &config##_error)) { \
    if (!config##_skip.empty()) EDGEPIX_SKIP(config##_skip);       \
    FAIL(config##_error);                                          \
  }

TEST_CASE("S3 store: an original past the threshold is a multipart upload, below it one PUT",
          "[blob][s3]") {
  EDGEPIX_FRESH_BUCKET(config);
  auto store = OpenS3BlobStore(config);
  REQUIRE(store.ok());
  const std::string big = Pattern((10u << 20) + 7, 1);
  auto w = (*store)->BeginOriginal(kId);
  REQUIRE(w.ok());
  REQUIRE((*w)->Append(big.data(), big.size()).ok());
  REQUIRE((*w)->Commit().ok());
  // S3's ETag of a multipart object is "<md5 of the part md5s>-<parts>".
  CHECK(HeadEtag(config, config.prefix + "/images/" + kId + "/original").ends_with("-3\""));
  CHECK(*(*store)->ReadOriginal(kId) == big);

  const std::string small = Pattern(5u << 20, 2);  // exactly the threshold: one PUT
  auto w2 = (*store)->BeginOriginal("S3storeImage02");
  REQUIRE(w2.ok());
  REQUIRE((*w2)->Append(small.data(), small.size()).ok());
  REQUIRE((*w2)->Commit().ok());
  CHECK(HeadEtag(config, config.prefix + "/images/S3storeImage02/original").find('-') ==
        std::string::npos);
}

TEST_CASE("S3 store: requests are retried through a server restart", "[blob][s3][retry]") {
  EDGEPIX_FRESH_BUCKET(config);
  FaultProxy proxy(PortOf(config.endpoint));
  config.endpoint = proxy.endpoint();
  config.backoff_initial_ms = 10;
  auto opened = OpenS3BlobStore(config);
  REQUIRE(opened.ok());
  BlobStore* store = opened->get();
  REQUIRE(store->PutVariant(kId, "thumb", "before").ok());

  SECTION("connections cut and refused") {
    const double retried = Retries("put_variant");
    proxy.Disrupt(2, FaultProxy::Failure::kClose);
    REQUIRE(store->PutVariant(kId, "thumb", "after").ok());
    CHECK(proxy.failed() == 2);
    CHECK(Retries("put_variant") >= retried + 2);
    CHECK(*store->ReadVariant(kId, "thumb") == "after");
  }
  SECTION("503 Slow Down") {
    const double retried = Retries("get");
    proxy.Disrupt(3, FaultProxy::Failure::kSlowDown503);
    auto back = store->ReadVariant(kId, "thumb");
    REQUIRE(back.ok());
    CHECK(*back == "before");
    CHECK(proxy.failed() == 3);
    CHECK(Retries("get") >= retried + 3);
  }
  SECTION("in the middle of a multipart upload") {
    const std::string big = Pattern((11u << 20) + 3, 5);
    auto w = store->BeginOriginal(kId);
    REQUIRE(w.ok());
    REQUIRE((*w)->Append(big.data(), 6u << 20).ok());  // the upload has begun, one part sent
    proxy.Disrupt(2, FaultProxy::Failure::kClose);
    REQUIRE((*w)->Append(big.data() + (6u << 20), big.size() - (6u << 20)).ok());
    REQUIRE((*w)->Commit().ok());
    CHECK(proxy.failed() == 2);
    CHECK(*store->ReadOriginal(kId) == big);
  }
}

TEST_CASE("S3 store: a server that stays down is kUnavailable after max_attempts",
          "[blob][s3][retry]") {
  EDGEPIX_FRESH_BUCKET(config);
  FaultProxy proxy(PortOf(config.endpoint));
  config.endpoint = proxy.endpoint();
  config.backoff_initial_ms = 10;
  config.max_attempts = 3;
  auto store = OpenS3BlobStore(config);
  REQUIRE(store.ok());
  proxy.Disrupt(1000, FaultProxy::Failure::kClose);
  edgepix::Status st = (*store)->PutVariant(kId, "thumb", "x");
  CHECK(st.code() == ErrorCode::kUnavailable);
  CHECK(proxy.failed() == 3);
  // Readiness asks once, without retries: the probe's put, then its removal
  // (a failed put may still have landed).
  CHECK((*store)->CheckWritable().code() == ErrorCode::kUnavailable);
  CHECK(proxy.failed() == 5);
  proxy.Disrupt(0, FaultProxy::Failure::kClose);
  CHECK((*store)->PutVariant(kId, "thumb", "x").ok());
  CHECK((*store)->CheckWritable().ok());
}

TEST_CASE("S3 store: a reader never mixes an original with its replacement", "[blob][s3]") {
  EDGEPIX_FRESH_BUCKET(config);
  auto store = OpenS3BlobStore(config);
  REQUIRE(store.ok());
  auto put = [&](const std::string& data) {
    auto w = (*store)->BeginOriginal(kId);
    REQUIRE(w.ok());
    REQUIRE((*w)->Append(data.data(), data.size()).ok());
    REQUIRE((*w)->Commit().ok());
  };
  put(Pattern(4000, 1));
  auto reader = (*store)->OpenOriginal(kId);
  REQUIRE(reader.ok());
  std::string out;
  REQUIRE((*reader)->ReadAt(0, 100, &out).ok());
  put(Pattern(4000, 2));
  CHECK((*reader)->ReadAt(100, 100, &out).code() == ErrorCode::kConflict);
}

TEST_CASE("S3 store: RemoveStaleTempFiles leaves recent temp objects (other nodes) alone",
          "[blob][s3]") {
  EDGEPIX_FRESH_BUCKET(config);
  auto store = OpenS3BlobStore(config);  // the default age: an hour
  REQUIRE(store.ok());
  auto staged = (*store)->StageVariant(kId, "thumb", "staged by another node",
                                       edgepix::VariantDurability::kDeferred);
  REQUIRE(staged.ok());
  REQUIRE((*store)->RemoveStaleTempFiles().ok());
  REQUIRE((*staged)->Publish().ok());
  CHECK(*(*store)->ReadVariant(kId, "thumb") == "staged by another node");
}

TEST_CASE("S3 store: wrong credentials and a missing bucket are refused at open", "[blob][s3]") {
  EDGEPIX_FRESH_BUCKET(config);
  S3BlobConfig wrong_key = config;
  wrong_key.secret_key = "not-the-secret";
  CHECK(OpenS3BlobStore(wrong_key).status().code() == ErrorCode::kForbidden);
  S3BlobConfig no_bucket = config;
  no_bucket.bucket = config.bucket + "-missing";
  CHECK(OpenS3BlobStore(no_bucket).status().code() == ErrorCode::kNotFound);
  S3BlobConfig no_keys = config;
  no_keys.access_key.clear();
  CHECK(OpenS3BlobStore(no_keys).status().code() == ErrorCode::kBadRequest);
}
