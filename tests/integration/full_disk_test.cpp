// A really full data volume, against the real binary: a small tmpfs mounted as
// the data directory (needs root with CAP_SYS_ADMIN, as the CI container
// has). Fill it with --min-free-mb 0 until uploads get 507, then fill the rest:
// after a kill -9 the server must start again (its recovery writes landing),
// and DELETE must work (204) on the full volume.
#include <sys/mount.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "integration/server_harness.h"
#include "unit/support/skip.h"

using namespace edgepix::testing;

namespace {

// A tmpfs of `mb` MiB at `dir` for the lifetime of this object.
class SmallVolume {
 public:
  SmallVolume(const std::string& dir, int mb) : dir_(dir) {
    std::filesystem::create_directories(dir);
    const std::string options = "size=" + std::to_string(mb) + "m";
    mounted_ = ::mount("tmpfs", dir.c_str(), "tmpfs", 0, options.c_str()) == 0;
  }
  ~SmallVolume() {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }

 private:
  std::string dir_;
  bool mounted_ = false;
};

}  // namespace

TEST_CASE("full disk: 507 when full, DELETE makes room, a restart after kill -9 comes back") {
  TempDir tmp;
  const std::string data = tmp.Join("data");
  SmallVolume volume(data, 24);
  if (!volume.mounted()) {
    EDGEPIX_SKIP("cannot mount a tmpfs here (needs root and CAP_SYS_ADMIN)");
  }
  ServerProcess server({"--min-free-mb", "0", "--workers", "1"}, data);
  auto c = server.Client();
  std::vector<std::string> accepted;
  int refused_full = 0;
  for (int i = 0; i < 400 && refused_full == 0; ++i) {
    auto r = UploadFiles(c, {{"p" + std::to_string(i) + ".jpg", MakeJpeg(1200 + i, 900)}});
    REQUIRE(r);
    if (r->status == 202) {
      accepted.push_back(JsonBody(r)["jobs"][0]["id"]);
    } else {
      INFO(r->body);
      REQUIRE(r->status == 507);
      CHECK(JsonBody(r)["error"]["code"] == "disk_full");
      ++refused_full;
    }
  }
  REQUIRE(refused_full == 1);
  REQUIRE(accepted.size() >= 2);

  // Something else takes the last bytes: the volume is now truly full.
  const std::string filler = data + "/filler";
  {
    std::FILE* f = std::fopen(filler.c_str(), "wb");
    REQUIRE(f != nullptr);
    const std::string block(64 * 1024, 'x');
    while (std::fwrite(block.data(), 1, block.size(), f) == block.size()) {
    }
    std::fclose(f);
  }
  REQUIRE(std::filesystem::space(data).available < 64 * 1024);

  // Killed while full (workers may be mid-write): it must start again, and
  // its recovery writes (requeueing what the kill interrupted) must land.
  server.Kill(9);
  server.Start();
  auto c2 = server.Client();
  auto kept = c2.Get("/api/jobs/" + accepted[1]);
  REQUIRE(kept);
  CHECK(kept->status == 200);

  // The documented way to make room works on the full disk.
  auto del = c2.Delete("/api/images/" + accepted[0]);
  REQUIRE(del);
  INFO(del->body);
  CHECK(del->status == 204);
  auto gone = c2.Get("/api/jobs/" + accepted[0]);
  REQUIRE(gone);
  CHECK(gone->status == 404);

  // Once room is made, uploads are taken again.
  std::filesystem::remove(filler);
  for (size_t i = 1; i < accepted.size(); i += 2) {
    auto d = c2.Delete("/api/images/" + accepted[i]);
    REQUIRE(d);
    CHECK(d->status == 204);
  }
  auto again = UploadFiles(c2, {{"again.jpg", MakeJpeg(640, 480)}});
  REQUIRE(again);
  CHECK(again->status == 202);
}
