// The BlobStore implementations under test, behind one fixture, so the
// contract suite (blob_contract_test.cpp) runs the same checks on each:
// LocalStore (a temp directory) and S3Store (a fresh bucket in Ceph's RGW,
// started by tests/support/ceph_rgw.sh; SKIPPED without Debian's ceph).
//
// Names() lists what the store holds, relative to its root: files for the
// local store, object keys under the prefix for S3 (plus "upload:KEY" for each
// unfinished multipart upload), so a test can say "nothing left behind".
// One fixture per test case, used from the test thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "storage/blob_store.h"
#include "storage/s3_blob_store.h"
#include "unit/support/fixtures.h"

namespace edgepix::testing {

class StoreFixture {
 public:
  virtual ~StoreFixture() = default;
  BlobStore* store() { return store_.get(); }
  // Sorted names of everything stored (see above).
  virtual std::vector<std::string> Names() = 0;
  // Names of what a crash mid-write leaves: a half-written original and a
  // staged variant never published (S3: an unfinished multipart upload too).
  virtual void PlantCrashDebris(const std::string& id) = 0;
  // Where the original and a variant of `id` live, as Names() shows them.
  virtual std::string OriginalName(const std::string& id) const = 0;
  virtual std::string VariantName(const std::string& id, const std::string& name) const = 0;
  // Temp names (Names() entries that are not committed blobs).
  std::vector<std::string> TempNames();

 protected:
  std::unique_ptr<BlobStore> store_;
};

// Returns nullptr with *skip set (precondition missing) or *error set.
using FixtureMaker = std::unique_ptr<StoreFixture> (*)(std::string* skip, std::string* error);

struct LocalStore {
  static std::unique_ptr<StoreFixture> Make(std::string* skip, std::string* error);
};

struct S3Store {
  // Small parts (S3's 5 MiB minimum), so a multipart upload needs only ~11 MiB.
  static std::unique_ptr<StoreFixture> Make(std::string* skip, std::string* error);
  // With `config` adjusted by the caller first (endpoint, bucket, keys filled in).
  static std::unique_ptr<StoreFixture> MakeWith(void (*adjust)(S3BlobConfig*), std::string* skip,
                                                std::string* error);
};

// A config for a fresh bucket (created) in the process's Ceph RGW, with the
// fixture's small parts; false with *skip or *error set otherwise.
bool FreshRgwBucket(S3BlobConfig* config, std::string* skip, std::string* error);

}  // namespace edgepix::testing

// In a TEMPLATE_TEST_CASE body: `f` is the fixture of TestType, or the test
// is SKIPPED / FAILED.
#define EDGEPIX_STORE_FIXTURE(f)                       \
  std::string f##_skip, f##_error;                     \
  auto f = TestType::Make(&f##_skip, &f##_error);      \
  if (!f && !f##_skip.empty()) EDGEPIX_SKIP(f##_skip); \
  if (!f) FAIL(f##_error)
