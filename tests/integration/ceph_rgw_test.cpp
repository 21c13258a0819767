// The Ceph RGW harness (tests/support/ceph_rgw.sh behind CephRgw): it starts a
// gateway that takes a signed bucket and object PUT and gives the object back,
// and its stop leaves no daemon and no directory behind. SKIPPED without
// Debian's ceph packages.
#include "integration/ceph_rgw.h"

#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <memory>
#include <string>

#include "unit/support/fixtures.h"
#include "unit/support/skip.h"

using namespace edgepix::testing;

namespace {

// curl with SigV4 against the gateway; returns the HTTP status ("000" when
// nothing answered) and the body in *body.
std::string Curl(const CephRgw& rgw, const std::string& args, std::string* body = nullptr) {
  TempDir t;
  const std::string out = t.Join("body");
  const std::string command =
      "curl -s -o " + out + " -w '%{http_code}' --aws-sigv4 'aws:amz:" + rgw.region() +
      ":s3' --user '" + rgw.access_key() + ":" + rgw.secret_key() +
      "' -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' " + args + " > " + t.Join("code");
  std::system(command.c_str());
  if (body) *body = ReadFileOrDie(out);
  return ReadFileOrDie(t.Join("code"));
}

}  // namespace

TEST_CASE("Ceph RGW harness: a signed PUT and GET work, stop leaves nothing running") {
  auto rgw = std::make_unique<CephRgw>();
  if (rgw->state() == CephRgw::State::kMissing) EDGEPIX_SKIP(rgw->message());
  REQUIRE(rgw->state() == CephRgw::State::kRunning);
  if (std::getenv("EDGEPIX_RGW_ENDPOINT")) EDGEPIX_SKIP("an external gateway is configured");
  INFO(rgw->LogTail());

  CHECK(Curl(*rgw, "-X PUT " + rgw->endpoint() + "/harness") == "200");
  CHECK(Curl(*rgw, "-X PUT --data-binary 'hello rgw' " + rgw->endpoint() + "/harness/a%20b.txt") ==
        "200");
  std::string body;
  CHECK(Curl(*rgw, rgw->endpoint() + "/harness/a%20b.txt", &body) == "200");
  CHECK(body == "hello rgw");

  const std::string endpoint = rgw->endpoint();
  rgw.reset();
  // Nothing listens any more: the daemons are gone, not just detached.
  TempDir t;
  const std::string command =
      "curl -s -o /dev/null -w '%{http_code}' --max-time 5 " + endpoint + "/ > " + t.Join("code");
  std::system(command.c_str());
  CHECK(ReadFileOrDie(t.Join("code")) == "000");
}
