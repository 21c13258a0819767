// CephRgw: a real S3 implementation for integration tests. Ceph's RADOS
// Gateway (Debian's ceph-mon, ceph-osd, radosgw, ceph-common) as a single-node
// cluster on 127.0.0.1, started by tests/support/ceph_rgw.sh (which holds the
// settings and why) in a temp dir and stopped and removed by the destructor.
// Start takes ~3 s; it returns once a signed ListBuckets answered 200. A
// failed start is tried once more (ports are picked before they are bound).
//
// Promises: after construction state() is kRunning (endpoint() and the keys
// are usable), kMissing (the packages are not installed: the test SKIPs) or
// kFailed (message() holds the failing step and the daemons' log tails: the
// test fails). No daemon outlives the object; if the test process dies
// without running the destructor, the script's watchdog (--owner) stops the
// cluster and removes its directory within a second or so.
//
// With $EDGEPIX_RGW_ENDPOINT set (and $EDGEPIX_RGW_ACCESS_KEY /
// $EDGEPIX_RGW_SECRET_KEY), that gateway is used instead and nothing starts.
//
// SharedCephRgw() is the gateway the tests share. Under ctest it is the whole
// run's: the fixture tests of tests/CMakeLists.txt start one before the first
// test that needs it (tests/support/ctest_rgw.sh) and stop it after the last,
// and its endpoint and keys are in the file EDGEPIX_CTEST_RGW_ENV names
// (compiled in). A start costs a few CPU-seconds and each ctest entry is a
// process of its own, so one per entry was a good part of the suite's time.
// Without that file, or when nothing answers at its endpoint (the binary run
// by hand), it is this test process's own, started on first use and stopped
// at exit. Use fresh bucket names per test: other tests use the same gateway.
//
// Not thread-safe: construct, use and destroy from the test thread.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "storage/s3_blob_store.h"

namespace edgepix::testing {

class CephRgw {
 public:
  enum class State { kRunning, kMissing, kFailed };

  CephRgw();
  ~CephRgw();
  CephRgw(const CephRgw&) = delete;
  CephRgw& operator=(const CephRgw&) = delete;

  State state() const { return state_; }
  // Why it is missing or what failed (with the log tails); "" when running.
  const std::string& message() const { return message_; }

  const std::string& endpoint() const { return endpoint_; }  // http://127.0.0.1:PORT
  const std::string& access_key() const { return access_key_; }
  const std::string& secret_key() const { return secret_key_; }
  const std::string& region() const { return region_; }  // us-east-1
  // The daemons' log tails (for a failed test's output); "" when external.
  std::string LogTail() const;

  // The gateway whose env file (lines as ceph_rgw.sh start prints them) is
  // at `env_file`, if it exists and something accepts connections at its
  // endpoint; else nullptr. The object does not stop that gateway.
  static std::unique_ptr<CephRgw> Attach(const std::string& env_file);

 private:
  struct Attached {};
  explicit CephRgw(Attached) {}
  // Reads RGW_ENDPOINT=... lines into the fields; false without an endpoint.
  bool ReadEnv(const std::string& lines);

  State state_ = State::kFailed;
  std::string message_;
  std::string dir_;       // the cluster this object stops; empty when external
  std::string logs_dir_;  // where its logs are; empty when unknown
  std::string endpoint_, access_key_, secret_key_, region_ = "us-east-1";
};

// The process-wide gateway (see above).
CephRgw& SharedCephRgw();

// A bucket of the caller's own on a running `rgw`: named `prefix` and 8 random
// letters, created before this returns; the config holds the gateway's
// endpoint, region and keys. An error says why the create failed (its status
// and body).
Result<S3BlobConfig> CreateRgwBucket(const CephRgw& rgw, const std::string& prefix);

}  // namespace edgepix::testing

// In a TEST_CASE body: SKIPs when the packages are missing, FAILs (with the
// log tails) when the start failed; otherwise `rgw` names the gateway.
#define EDGEPIX_REQUIRE_CEPH_RGW(rgw)                                                             \
  ::edgepix::testing::CephRgw& rgw = ::edgepix::testing::SharedCephRgw();                         \
  do {                                                                                            \
    if (rgw.state() == ::edgepix::testing::CephRgw::State::kMissing) EDGEPIX_SKIP(rgw.message()); \
    if (rgw.state() == ::edgepix::testing::CephRgw::State::kFailed) FAIL(rgw.message());          \
  } while (false)
