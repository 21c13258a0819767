#include "unit/storage/store_fixtures.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <random>

#include "integration/ceph_rgw.h"
#include "storage/s3_client.h"
#include "storage/s3_xml.h"

namespace edgepix::testing {
namespace {

std::string RandomName(size_t n) {
  static const char kChars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  thread_local std::mt19937 rng(std::random_device{}());
  std::uniform_int_distribution<size_t> pick(0, sizeof(kChars) - 2);
  std::string out;
  for (size_t i = 0; i < n; ++i) out.push_back(kChars[pick(rng)]);
  return out;
}

void ListFiles(const std::string& root, const std::string& rel, std::vector<std::string>* out) {
  auto names = Env::Default()->ListDir(rel.empty() ? root : root + "/" + rel);
  if (!names.ok()) {
    out->push_back(rel);  // a file
    return;
  }
  for (const auto& n : *names) ListFiles(root, rel.empty() ? n : rel + "/" + n, out);
}

class LocalFixture : public StoreFixture {
 public:
  bool Open(std::string* error) {
    auto store = OpenLocalBlobStore(Env::Default(), dir_.path());
    if (!store.ok()) {
      *error = store.status().ToString();
      return false;
    }
    store_ = std::move(*store);
    return true;
  }
  std::vector<std::string> Names() override {
    std::vector<std::string> out;
    ListFiles(dir_.path(), "", &out);
    // The empty layout directories are no blobs.
    out.erase(std::remove_if(out.begin(), out.end(),
                             [](const std::string& n) {
                               return n == "tmp" || n == "originals" || n == "variants";
                             }),
              out.end());
    std::sort(out.begin(), out.end());
    return out;
  }
  void PlantCrashDebris(const std::string& id) override {
    WriteFileOrDie(dir_.Join("tmp/" + id + ".0123456789ab.part"), "half an upload");
    WriteFileOrDie(dir_.Join("tmp/" + id + ".thumb.0123456789ab.variant"), "staged");
  }
  std::string OriginalName(const std::string& id) const override {
    return "originals/" + id.substr(0, 2) + "/" + id;
  }
  std::string VariantName(const std::string& id, const std::string& name) const override {
    return "variants/" + id + "/" + name + ".webp";
  }

 private:
  TempDir dir_;
};

class S3Fixture : public StoreFixture {
 public:
  explicit S3Fixture(S3BlobConfig config) : config_(std::move(config)), client_(config_) {}

  bool Open(std::string* error) {
    auto store = OpenS3BlobStore(config_);
    if (!store.ok()) {
      *error = store.status().ToString();
      return false;
    }
    store_ = std::move(*store);
    return true;
  }

  std::vector<std::string> Names() override {
    std::vector<std::string> out;
    const std::string root = config_.prefix + "/";
    s3client::S3Request list;
    list.query = {{"list-type", "2"}, {"prefix", root}};
    auto answer = client_.Send(list);
    REQUIRE(answer.ok());
    REQUIRE(answer->status == 200);
    for (auto block : s3xml::Blocks(answer->body, "Contents")) {
      out.push_back(s3xml::Value(block, "Key").value_or("?").substr(root.size()));
    }
    s3client::S3Request uploads;
    uploads.query = {{"uploads", ""}, {"prefix", root}};
    answer = client_.Send(uploads);
    REQUIRE(answer.ok());
    REQUIRE(answer->status == 200);
    for (auto block : s3xml::Blocks(answer->body, "Upload")) {
      out.push_back("upload:" + s3xml::Value(block, "Key").value_or("?").substr(root.size()));
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  void PlantCrashDebris(const std::string& id) override {
    s3client::S3Request staged;
    staged.method = "PUT";
    staged.key = config_.prefix + "/tmp/" + id + ".thumb.0123456789ab";
    staged.body = "staged";
    auto answer = client_.Send(staged);
    REQUIRE(answer.ok());
    REQUIRE(answer->status == 200);
    s3client::S3Request upload;
    upload.method = "POST";
    upload.key = config_.prefix + "/images/" + id + "/original";
    upload.query = {{"uploads", ""}};
    answer = client_.Send(upload);
    REQUIRE(answer.ok());
    REQUIRE(answer->status == 200);
  }
  std::string OriginalName(const std::string& id) const override {
    return "images/" + id + "/original";
  }
  std::string VariantName(const std::string& id, const std::string& name) const override {
    return "images/" + id + "/" + name + ".webp";
  }

 private:
  S3BlobConfig config_;
  s3client::S3Client client_;
};

}  // namespace

std::vector<std::string> StoreFixture::TempNames() {
  std::vector<std::string> out;
  for (const auto& n : Names()) {
    if (n.starts_with("tmp/") || n.starts_with("upload:")) out.push_back(n);
  }
  return out;
}

std::unique_ptr<StoreFixture> LocalStore::Make(std::string*, std::string* error) {
  auto f = std::make_unique<LocalFixture>();
  if (!f->Open(error)) return nullptr;
  return f;
}

std::unique_ptr<StoreFixture> S3Store::Make(std::string* skip, std::string* error) {
  return MakeWith([](S3BlobConfig*) {}, skip, error);
}

bool FreshRgwBucket(S3BlobConfig* config, std::string* skip, std::string* error) {
  CephRgw& rgw = SharedCephRgw();
  if (rgw.state() == CephRgw::State::kMissing) {
    *skip = rgw.message();
    return false;
  }
  if (rgw.state() == CephRgw::State::kFailed) {
    *error = rgw.message();
    return false;
  }
  auto made = CreateRgwBucket(rgw, "edgepix-test-");
  if (!made.ok()) {
    *error = made.status().ToString();
    return false;
  }
  *config = *made;
  config->prefix = "nodes/" + RandomName(6);
  config->part_size = 5u << 20;
  config->multipart_threshold = 5u << 20;
  return true;
}

std::unique_ptr<StoreFixture> S3Store::MakeWith(void (*adjust)(S3BlobConfig*), std::string* skip,
                                                std::string* error) {
  S3BlobConfig config;
  if (!FreshRgwBucket(&config, skip, error)) return nullptr;
  config.stale_after_seconds = 0;  // every temp is stale: no other node here
  adjust(&config);
  auto f = std::make_unique<S3Fixture>(config);
  if (!f->Open(error)) return nullptr;
  return f;
}

}  // namespace edgepix::testing
