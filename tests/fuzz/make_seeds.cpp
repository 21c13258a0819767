// Writes the fuzzers' seed corpora into a build directory (never into the
// repository): small images made by the test fixtures, plus, when a corpus
// folder is given, its small files sorted by sniffed format and the EXIF
// blocks found in them. Usage: edgepix_fuzz_seeds OUT_DIR [CORPUS_DIR]
//
// Layout: OUT_DIR/{jpeg,png,gif,bmp,webp,heif,exif,pipeline}/<name>.
#include <cstdio>
#include <filesystem>
#include <string>
#include <system_error>

#include "image/header.h"
#include "image/pipeline.h"
#include "unit/support/fixtures.h"

namespace fs = std::filesystem;
namespace et = edgepix::testing;
using edgepix::image::Format;

namespace {

constexpr uintmax_t kMaxSeedBytes = 64 * 1024;      // per-decoder targets
constexpr uintmax_t kMaxPipelineBytes = 12 * 1024;  // the slower whole pipeline

fs::path g_out;
int g_count = 0;

void Put(const std::string& dir, const std::string& name, const std::string& bytes) {
  et::WriteFileOrDie((g_out / dir / name).string(), bytes);
  ++g_count;
}

// Files whose format sniffs as a decoder's go to it; small ones also to the
// pipeline; any EXIF block found goes to the EXIF target.
void AddImage(const std::string& name, const std::string& bytes) {
  Format f = edgepix::image::SniffFormat(bytes);
  if (f != Format::kUnknown && bytes.size() <= kMaxSeedBytes) {
    // The HEIF family (heic, avif, heif) shares one target.
    Put(edgepix::image::IsHeifFamily(f) ? "heif" : edgepix::image::FormatName(f), name, bytes);
  }
  if (bytes.size() <= kMaxPipelineBytes) Put("pipeline", name, bytes);
  auto h = edgepix::image::ReadHeader(bytes, /*want_metadata=*/true);
  if (h.ok() && !h->exif().empty() && h->exif().size() <= kMaxSeedBytes) {
    Put("exif", name + ".tiff", std::string(h->exif()));
  }
}

void AddFixtures() {
  et::ExifFields exif;
  exif.orientation = 6;
  exif.make = "Canon";
  exif.model = "EOS 5D";
  exif.date_time_original = "2024:05:01 12:34:56";
  exif.with_gps = true;
  exif.lat = 48.8584;
  exif.lon = -2.2945;
  AddImage("fixture_exif.jpg", et::MakeJpeg(24, 16, exif));
  AddImage("fixture_progressive.jpg", et::MakeJpeg(33, 17, {}, /*progressive=*/true));
  AddImage("fixture_plain.jpg", et::MakeJpeg(8, 8));
  for (int o = 2; o <= 8; ++o) {
    et::ExifFields e;
    e.orientation = o;
    AddImage("fixture_orient" + std::to_string(o) + ".jpg", et::MakeJpeg(12, 7, e));
  }
  AddImage("fixture_rgb.png", et::MakePng(13, 9));
  AddImage("fixture_alpha.png", et::MakePng(16, 10, /*with_alpha=*/true));
  AddImage("fixture_header_only.png", et::MakePngHeaderOnly(100, 100));
  AddImage("fixture.bmp", et::MakeBmp(11, 5));
  AddImage("fixture.gif", et::MakeGif(10, 6));
  AddImage("fixture_lossy.webp", et::MakeWebp(20, 12));
  AddImage("fixture_lossy_alpha.webp", et::MakeWebp(20, 12, /*with_alpha=*/true));
  AddImage("fixture_lossless.webp", et::MakeWebp(9, 14, /*with_alpha=*/true, /*lossless=*/true));
}

void AddCorpus(const fs::path& corpus) {
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(corpus, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file() || it->file_size() > kMaxSeedBytes) continue;
    std::string rel = fs::relative(it->path(), corpus).string();
    if (rel.rfind("MANIFEST", 0) == 0 || rel.rfind("LICENSES", 0) == 0) continue;
    for (char& c : rel) {
      if (c == '/') c = '_';
    }
    AddImage("corpus_" + rel, et::ReadFileOrDie(it->path().string()));
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: %s OUT_DIR [CORPUS_DIR]\n", argv[0]);
    return 2;
  }
  g_out = argv[1];
  for (const char* d : {"jpeg", "png", "gif", "bmp", "webp", "heif", "exif", "pipeline"}) {
    fs::create_directories(g_out / d);
  }
  AddFixtures();
  if (argc == 3 && fs::is_directory(argv[2])) AddCorpus(argv[2]);
  std::printf("fuzz seeds: %d files in %s\n", g_count, argv[1]);
  return 0;
}
