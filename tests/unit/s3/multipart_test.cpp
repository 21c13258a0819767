// Multipart uploads below the HTTP layer: the CompleteMultipartUpload part
// list as boto3, the AWS CLI and the JS SDK write it (and malformed ones),
// the multipart ETag, MultipartIndex on a real SQLite file (parts replaced,
// pages, upload listing with markers, removal, stale uploads), the sweep and
// orphan removal against a real blob store, and the schema's trigger that
// deletes an S3 object row with its job.
#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "s3/multipart_sweep.h"
#include "s3/multipart_xml.h"
#include "s3/sqlite_multipart_index.h"
#include "s3/sqlite_object_index.h"
#include "storage/blob_store.h"
#include "unit/s3/index_fixtures.h"
#include "unit/support/fixtures.h"

using namespace edgepix;
using namespace edgepix::s3;

namespace {

UploadRow Upload(const std::string& id, const std::string& key,
                 const std::string& initiated = "2026-12-04T00:00:00.000Z") {
  return {id, "photos", key, "", initiated};
}

PartRow Part(const std::string& upload, int number, const std::string& blob, uint64_t size) {
  PartRow p;
  p.upload_id = upload;
  p.part_number = number;
  p.blob_id = blob;
  p.size = size;
  p.etag = "\"e\"";
  p.last_modified = "2026-12-04T00:00:00.000Z";
  return p;
}

struct Fixture {
  testing::TempDir dir;
  std::unique_ptr<ObjectIndex> objects =
      std::move(SqliteObjectIndex::Open(dir.Join("jobs.db")).value());
  std::unique_ptr<MultipartIndex> uploads =
      std::move(SqliteMultipartIndex::Open(dir.Join("jobs.db")).value());
  Fixture() { REQUIRE(objects->CreateBucket("photos").ok()); }
};

}  // namespace

TEST_CASE(
    "CompleteMultipartUpload body: boto3's, the JS SDK's (namespace, quote entity), with "
    "checksums") {
  auto boto = ParseCompleteMultipartUpload(
      "<CompleteMultipartUpload><Part><ETag>\"aa\"</ETag><PartNumber>1</PartNumber></Part>"
      "<Part><ETag>\"bb\"</ETag><PartNumber>2</PartNumber></Part></CompleteMultipartUpload>");
  REQUIRE(boto);
  REQUIRE(boto->size() == 2);
  CHECK((*boto)[0].number == 1);
  CHECK((*boto)[0].etag == "aa");
  CHECK((*boto)[1].number == 2);
  CHECK((*boto)[1].etag == "bb");
  auto js = ParseCompleteMultipartUpload(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CompleteMultipartUpload "
      "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\n  <Part>\n    "
      "<ChecksumCRC32>AAAAAA==</ChecksumCRC32><ETag>&quot;CC&quot;</ETag>\n    "
      "<PartNumber> 7 </PartNumber>\n  </Part>\n</CompleteMultipartUpload>");
  REQUIRE(js);
  REQUIRE(js->size() == 1);
  CHECK((*js)[0].number == 7);
  CHECK((*js)[0].etag == "CC");
}

TEST_CASE("CompleteMultipartUpload body: malformed lists are refused") {
  for (const char* bad : {
           "",
           "<Other><Part><ETag>a</ETag><PartNumber>1</PartNumber></Part></Other>",
           "<CompleteMultipartUpload></CompleteMultipartUpload>",
           "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber></Part>"
           "</CompleteMultipartUpload>",
           "<CompleteMultipartUpload><Part><ETag>a</ETag></Part></CompleteMultipartUpload>",
           "<CompleteMultipartUpload><Part><ETag>a</ETag><PartNumber>0</PartNumber></Part>"
           "</CompleteMultipartUpload>",
           "<CompleteMultipartUpload><Part><ETag>a</ETag><PartNumber>10001</PartNumber></Part>"
           "</CompleteMultipartUpload>",
           "<CompleteMultipartUpload><Part><ETag>a</ETag><PartNumber>-1</PartNumber></Part>"
           "</CompleteMultipartUpload>",
           "<CompleteMultipartUpload><Part><ETag>a</ETag><PartNumber>1</PartNumber>"
           "</CompleteMultipartUpload>",
       }) {
    INFO(bad);
    CHECK_FALSE(ParseCompleteMultipartUpload(bad));
  }
}

TEST_CASE("Multipart ETag: hex MD5 of the parts' binary MD5s, dash, the part count") {
  // md5("part one"), md5("part two"); the expected value from Python's hashlib.
  CHECK(MultipartEtag({"3303e12af474ca11d85ed2966a932992", "3ea4e15b91a17dc76052c56cfcdf67a2"}) ==
        "\"0732917abc3288784e318ac0aab1757a-2\"");
  CHECK(MultipartEtag({"not hex"}).empty());
}

TEMPLATE_TEST_CASE("MultipartIndex: uploads need their bucket, parts are replaced and paged",
                   "[s3]", testing::SqliteIndex, testing::PgIndex) {
  EDGEPIX_INDEX_FIXTURE(fx);
  auto objects = fx.Objects();
  auto uploads = fx.Uploads();
  REQUIRE(objects->CreateBucket("photos").ok());
  MultipartIndex& ix = *uploads;
  UploadRow missing = Upload("u1", "k");
  missing.bucket = "other";
  CHECK(ix.Create(missing).code() == ErrorCode::kNotFound);
  REQUIRE(ix.Create(Upload("u1", "k")).ok());
  CHECK(ix.PutPart(Part("nope", 1, "b0", 1)).status().code() == ErrorCode::kNotFound);
  auto first = ix.PutPart(Part("u1", 2, "b1", 10));
  REQUIRE(first.ok());
  CHECK_FALSE(first->has_value());
  auto replaced = ix.PutPart(Part("u1", 2, "b2", 20));
  REQUIRE(replaced.ok());
  REQUIRE(replaced->has_value());
  CHECK((*replaced)->blob_id == "b1");
  REQUIRE(ix.PutPart(Part("u1", 1, "b3", 5)).ok());
  REQUIRE(ix.PutPart(Part("u1", 9, "b4", 7)).ok());
  auto all = ix.Parts("u1");
  REQUIRE(all.ok());
  REQUIRE(all->size() == 3);
  CHECK((*all)[0].part_number == 1);
  CHECK((*all)[1].blob_id == "b2");
  CHECK(ix.Parts("u1", 1, 1)->size() == 2);  // one asked for, one more tells it is truncated
  CHECK(ix.Parts("u1", 2)->front().part_number == 9);
  CHECK(*ix.PartBytes() == 32);
  CHECK(*ix.UploadBytes("u1", 2) == 12);
  CHECK(*ix.Unreferenced({"b1", "b2", "b9"}) == std::vector<std::string>{"b1", "b9"});
  // A bucket with an upload in progress is not empty.
  CHECK(objects->DeleteBucket("photos").code() == ErrorCode::kConflict);
  auto removed = ix.Remove("u1");
  REQUIRE(removed.ok());
  REQUIRE(removed->has_value());
  CHECK((*removed)->size() == 3);
  CHECK_FALSE(ix.Get("u1")->has_value());
  CHECK(ix.Parts("u1")->empty());
  CHECK_FALSE(ix.Remove("u1")->has_value());
  CHECK(*ix.PartBytes() == 0);
  CHECK(objects->DeleteBucket("photos").ok());
}

TEMPLATE_TEST_CASE(
    "MultipartIndex: uploads listed by key then id, after the markers, under a prefix", "[s3]",
    testing::SqliteIndex, testing::PgIndex) {
  EDGEPIX_INDEX_FIXTURE(fx);
  auto objects = fx.Objects();
  auto uploads = fx.Uploads();
  REQUIRE(objects->CreateBucket("photos").ok());
  MultipartIndex& ix = *uploads;
  for (const auto& [id, key] : std::vector<std::pair<std::string, std::string>>{
           {"u2", "a/x"}, {"u1", "a/x"}, {"u3", "a/y"}, {"u4", "b/z"}}) {
    REQUIRE(ix.Create(Upload(id, key)).ok());
  }
  auto ids = [&](const UploadListRequest& r) {
    auto listed = ix.List("photos", r);
    REQUIRE(listed.ok());
    std::vector<std::string> out;
    for (const auto& u : *listed) out.push_back(u.upload_id);
    return out;
  };
  CHECK(ids({}) == std::vector<std::string>{"u1", "u2", "u3", "u4"});
  CHECK(ids({"a/", "", "", 1000}) == std::vector<std::string>{"u1", "u2", "u3"});
  CHECK(ids({"", "a/x", "u1", 1000}) == std::vector<std::string>{"u2", "u3", "u4"});
  CHECK(ids({"", "a/x", "", 1000}) == std::vector<std::string>{"u3", "u4"});
  CHECK(ids({"", "", "", 1}) == std::vector<std::string>{"u1", "u2"});  // max + 1
}

TEST_CASE("Multipart sweep: stale uploads and orphaned part blobs are removed, others kept") {
  Fixture f;
  auto store = OpenLocalBlobStore(Env::Default(), f.dir.Join("s3-multipart"));
  REQUIRE(store.ok());
  BlobStore& parts = **store;
  auto put_blob = [&](const std::string& id) {
    auto w = parts.BeginOriginal(id);
    REQUIRE(w.ok());
    REQUIRE((*w)->Append("data", 4).ok());
    REQUIRE((*w)->Commit().ok());
  };
  REQUIRE(f.uploads->Create(Upload("oldupload", "k", "2000-01-01T00:00:00.000Z")).ok());
  REQUIRE(f.uploads->Create(Upload("newupload", "k", "2999-01-01T00:00:00.000Z")).ok());
  put_blob("oldblob1");
  put_blob("newblob1");
  put_blob("orphan01");
  REQUIRE(f.uploads->PutPart(Part("oldupload", 1, "oldblob1", 4)).ok());
  REQUIRE(f.uploads->PutPart(Part("newupload", 1, "newblob1", 4)).ok());

  REQUIRE(RemoveOrphanParts(f.uploads.get(), &parts).ok());
  CHECK_FALSE(parts.OpenOriginal("orphan01").ok());
  CHECK(parts.OpenOriginal("oldblob1").ok());

  // One being completed right now is left to its request.
  REQUIRE(f.uploads->Claim("oldupload"));
  CHECK(*SweepStaleUploads(f.uploads.get(), &parts, std::chrono::hours(24)) == 0);
  f.uploads->Unclaim("oldupload");
  CHECK(*SweepStaleUploads(f.uploads.get(), &parts, std::chrono::hours(24)) == 1);
  CHECK_FALSE(f.uploads->Get("oldupload")->has_value());
  CHECK_FALSE(parts.OpenOriginal("oldblob1").ok());
  CHECK(f.uploads->Get("newupload")->has_value());
  CHECK(parts.OpenOriginal("newblob1").ok());
}

TEST_CASE("Schema: deleting a job deletes the S3 object rows whose bytes it held") {
  Fixture f;
  ObjectRow image;
  image.bucket = "photos";
  image.key = "img/a.jpg";
  image.job_id = "job00001";
  image.etag = "\"e\"";
  image.last_modified = "2026-12-04T00:00:00.000Z";
  ObjectRow plain = image;
  plain.key = "doc.txt";
  plain.job_id = "";
  plain.blob_id = "blob0001";
  REQUIRE(f.objects->Put(image).ok());
  REQUIRE(f.objects->Put(plain).ok());
  SQLite::Database db(f.dir.Join("jobs.db"), SQLite::OPEN_READWRITE);
  db.exec(
      "INSERT INTO jobs (id, seq, status, version, created_at, updated_at) VALUES "
      "('job00001', 1, 'COMPLETED', 1, '', ''), ('job00002', 2, 'COMPLETED', 1, '', '')");
  db.exec("DELETE FROM jobs WHERE id = 'job00002'");
  CHECK(f.objects->Get("photos", "img/a.jpg")->has_value());
  db.exec("DELETE FROM jobs WHERE id = 'job00001'");
  CHECK_FALSE(f.objects->Get("photos", "img/a.jpg")->has_value());
  CHECK(f.objects->Get("photos", "doc.txt")->has_value());
}

TEMPLATE_TEST_CASE("MultipartIndex: keys of any bytes, and one request at a time claims an upload",
                   "[s3]", testing::SqliteIndex, testing::PgIndex) {
  EDGEPIX_INDEX_FIXTURE(fx);
  auto objects = fx.Objects();
  auto a = fx.Uploads("node-a");
  REQUIRE(objects->CreateBucket("photos").ok());
  const std::string key = std::string("d\xc3\xa9j\xc3\xa0/\xff\0x", 10);
  REQUIRE(a->Create(Upload("u1", key)).ok());
  CHECK((*a->Get("u1"))->key == key);
  UploadListRequest under;
  under.prefix = "d\xc3\xa9";
  CHECK(a->List("photos", under)->size() == 1);
  CHECK(a->Claim("u1"));
  CHECK_FALSE(a->Claim("u1"));  // the same node, a second request
  CHECK(a->Claim("gone"));      // nothing to hold: the caller finds it gone
  a->Unclaim("gone");
  a->Unclaim("u1");
  CHECK(a->Claim("u1"));
  a->Unclaim("u1");
}

TEST_CASE("MultipartIndex on PostgreSQL: claims and parts across two nodes", "[s3][pg]") {
  testing::PgIndex fx;
  if (const std::string why = fx.Unavailable(); !why.empty()) EDGEPIX_SKIP(why);
  auto objects = fx.Objects();
  auto a = fx.Uploads("node-a");
  auto b = fx.Uploads("node-b");
  REQUIRE(objects->CreateBucket("photos").ok());
  REQUIRE(a->Create(Upload("u1", "big")).ok());
  // Parts from both nodes land in one upload.
  REQUIRE(a->PutPart(Part("u1", 1, "pa", 5)).ok());
  REQUIRE(b->PutPart(Part("u1", 2, "pb", 6)).ok());
  CHECK(a->Parts("u1")->size() == 2);
  CHECK(*b->UploadBytes("u1") == 11);
  // One node's claim keeps the other out until released, or until it runs out.
  CHECK(a->Claim("u1"));
  CHECK_FALSE(b->Claim("u1"));
  a->Unclaim("u1");
  CHECK(b->Claim("u1"));
  CHECK_FALSE(a->Claim("u1"));
  fx.Exec("UPDATE s3_uploads SET claimed_until = now() - interval '1 second'");  // b died
  CHECK(a->Claim("u1"));
  // Parts raced against a Remove on the other node: each is either in the
  // removed list or refused, never left behind.
  std::vector<std::string> recorded;
  std::thread writer([&] {
    for (int i = 3; i < 200; ++i) {
      auto r = b->PutPart(Part("u1", i, "p" + std::to_string(i), 1));
      if (r.ok()) {
        recorded.push_back("p" + std::to_string(i));
      } else {
        CHECK(r.status().code() == ErrorCode::kNotFound);
        break;
      }
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  auto removed = a->Remove("u1");
  writer.join();
  REQUIRE(removed.ok());
  REQUIRE(removed->has_value());
  CHECK((*removed)->size() == recorded.size() + 2);
  CHECK(*a->PartBytes() == 0);
}
