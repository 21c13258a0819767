// Conformance over the shared corpus (EDGEPIX_CORPUS/MANIFEST.tsv): every
// `ok` row must give all default variants (or, if [optional], a clean
// unsupported/undecodable error), every `reject` row must fail cleanly (or,
// if [lenient], may succeed), [bomb] rows must be refused as too many pixels
// or undecodable. EXIF notes are checked against what we read, and the
// orientation/ examples must all come out upright like their _1 reference.

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "image/pipeline.h"
#include "unit/image/webp_inspect.h"
#include "unit/support/fixtures.h"
#include "unit/support/webp_animation.h"

namespace ei = edgepix::image;
using edgepix::ErrorCode;

namespace {

struct Row {
  std::string path, format, expected, note;
};

std::string EnvDir(const char* name) {
  const char* env = std::getenv(name);
  return env && *env ? env : "";
}

// tests/unit/image/corpus_known_gaps.tsv: "corpus<TAB>path<TAB>kind" -> why.
std::map<std::string, std::string> KnownGaps(const std::string& corpus, const std::string& kind) {
  std::map<std::string, std::string> gaps;
  std::ifstream in(std::string(EDGEPIX_TEST_SOURCE_DIR) + "/unit/image/corpus_known_gaps.tsv");
  REQUIRE(in.good());
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols;
    std::stringstream ss(line);
    std::string c;
    while (std::getline(ss, c, '\t')) cols.push_back(c);
    REQUIRE(cols.size() == 4);
    if (cols[0] == corpus && cols[2] == kind) gaps[cols[1]] = cols[3];
  }
  return gaps;
}

// What this test checks is decoding, orientation, metadata and refusals, not
// the encoder's effort: the fastest WebP method keeps the whole corpus quick
// in the sanitizer build (the pipeline and variant tests cover the default).
ei::PipelineOptions Options() {
  ei::PipelineOptions o;
  o.webp_method = 0;
  return o;
}

bool Has(const std::string& s, const char* what) { return s.find(what) != std::string::npos; }

std::string CorpusDir(const std::string& name) {
  if (name == "corpus") return EnvDir("EDGEPIX_CORPUS");
  const std::string dir = EnvDir("EDGEPIX_CORPUS2");
  return dir.empty() ? EDGEPIX_DEFAULT_CORPUS2 : dir;
}

// HEIF/AVIF files whose irot/imir (and clap) must display like an upright
// reference file of the same set, which may sit in either corpus. The EXIF
// Orientation some of them also carry must not be applied on top.
std::string UprightReference(const std::string& path) {
  auto in = [&](const char* prefix) { return path.rfind(prefix, 0) == 0; };
  if (in("formats/heic/kde_orientation")) return "formats/heic/kde_orientation1.heic";
  if (in("formats/heic/kde_crop_orientation")) return "formats/heic/kde_crop_orientation1.heic";
  if (in("formats/avif/kde_rotated") || in("formats/avif/kde_unrotated_")) {
    return "formats/avif/kde_unrotated.avif";
  }
  if (in("formats/avif/linku_kimono.") && !Has(path, "crop"))
    return "formats/avif/linku_kimono.avif";
  return "";
}

// Mean absolute RGBA difference of two variants (same size required).
double MeanDiff(const ei::VariantOutput& a, const ei::VariantOutput& b) {
  auto x = edgepix::testing::DecodeWebpRgba(a.webp);
  auto y = edgepix::testing::DecodeWebpRgba(b.webp);
  REQUIRE(x.width == y.width);
  REQUIRE(x.height == y.height);
  double diff = 0;
  for (size_t i = 0; i < x.rgba.size(); ++i) diff += std::abs(x.rgba[i] - y.rgba[i]);
  return diff / x.rgba.size();
}

// The reference's large variant, from whichever corpus holds it.
std::optional<ei::VariantOutput> ReferenceLarge(const std::string& ref) {
  for (const char* corpus : {"corpus", "corpus2"}) {
    const std::string file = CorpusDir(corpus) + "/" + ref;
    if (!std::filesystem::exists(file)) continue;
    auto res =
        ei::ProcessImage(edgepix::testing::ReadFileOrDie(file), ei::DefaultVariants(), Options());
    if (res.ok()) return res->variants[2];
  }
  return std::nullopt;
}

std::vector<Row> ReadManifest(const std::string& dir) {
  std::vector<Row> rows;
  std::ifstream in(dir + "/MANIFEST.tsv");
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> cols;
    std::stringstream ss(line);
    std::string c;
    while (std::getline(ss, c, '\t')) cols.push_back(c);
    if (cols.size() < 8) continue;
    rows.push_back({cols[0], cols[2], cols[6], cols[7]});
  }
  return rows;
}

// Value after `key=` in the note's "exif:" part, up to a space (or quoted).
std::string NoteValue(const std::string& note, const std::string& key) {
  size_t ex = note.find("exif:");
  if (ex == std::string::npos) return "";
  size_t p = note.find(" " + key + "=", ex);
  if (p == std::string::npos) return "";
  p += key.size() + 2;
  if (p < note.size() && note[p] == '"') {
    size_t e = note.find('"', p + 1);
    return note.substr(p + 1, e - p - 1);
  }
  if (key == "DateTimeOriginal") return note.substr(p, 19);
  size_t e = note.find_first_of(" ;", p);
  return note.substr(p, e == std::string::npos ? std::string::npos : e - p);
}

std::string CheckExif(const Row& r, const ei::ImageMetadata& md) {
  std::string problems;
  std::string o = NoteValue(r.note, "Orientation");
  if (!o.empty() && std::isdigit(static_cast<unsigned char>(o[0]))) {
    int want = std::atoi(o.c_str());
    if (want < 1 || want > 8) want = 1;
    if (md.orientation != want) problems += " orientation=" + std::to_string(md.orientation);
  }
  std::string cam = NoteValue(r.note, "camera");
  if (!cam.empty() && md.camera_make && md.camera_model &&
      *md.camera_make + " " + *md.camera_model != cam) {
    problems += " camera=\"" + *md.camera_make + " " + *md.camera_model + "\"";
  } else if (!cam.empty() && !md.camera_model) {
    problems += " camera missing";
  }
  std::string date = NoteValue(r.note, "DateTimeOriginal");
  // Dates ExifTool found outside standard EXIF (Reconyx maker note, XMP when
  // the EXIF IFD pointer loops) are not ours to read.
  bool date_elsewhere = Has(r.path, "Reconyx") || Has(r.path, "ifd_loop");
  if (date.size() == 19 && std::isdigit(static_cast<unsigned char>(date[0])) && !date_elsewhere) {
    std::string iso = date;
    iso[4] = iso[7] = '-';
    iso[10] = 'T';
    if (md.taken_at.value_or("") != iso) problems += " taken_at=" + md.taken_at.value_or("none");
  }
  std::string gps = NoteValue(r.note, "GPS");
  if (!gps.empty()) {
    double lat = std::atof(gps.c_str()), lon = std::atof(gps.substr(gps.find(',') + 1).c_str());
    if (!md.gps || std::abs(md.gps->lat - lat) > 1e-3 || std::abs(md.gps->lon - lon) > 1e-3) {
      problems += " gps wrong";
    }
  }
  return problems;
}

void CheckCorpus(const std::string& name, const std::string& dir) {
  // The corpora sit beside the project (../shared/corpus, ../shared/corpus2);
  // without one this test fails rather than passing with nothing checked.
  INFO("image corpus expected at " << dir);
  REQUIRE(std::filesystem::exists(dir + "/MANIFEST.tsv"));
  auto rows = ReadManifest(dir);
  REQUIRE(rows.size() > 100);
  std::vector<std::string> failures, exif_failures;
  const auto decode_gaps = KnownGaps(name, "decode");
  const auto exif_gaps = KnownGaps(name, "exif");
  std::vector<std::string> gaps_seen;
  int ok_pass = 0, ok_total = 0, reject_pass = 0, reject_total = 0;
  int upright_checked = 0;
  std::map<std::string, ei::VariantOutput> upright_large;              // orientation/ outputs
  std::map<std::string, std::optional<ei::VariantOutput>> references;  // HEIF upright sets
  for (const auto& r : rows) {
    std::string bytes = edgepix::testing::ReadFileOrDie(dir + "/" + r.path);
    auto res = ei::ProcessImage(bytes, ei::DefaultVariants(), Options());
    std::string got = res.ok() ? "ok" : res.status().ToString();
    if (!ei::HeifSupported() && (r.format == "heic" || r.format == "heif" || r.format == "avif")) {
      // Built with EDGEPIX_HEIF=OFF (the static build): refused, cleanly.
      if (res.ok() || res.status().code() != ErrorCode::kUnsupportedFormat) {
        failures.push_back("heif   " + r.path + " -> " + got + " (HEIF is not built in)");
      }
      if (decode_gaps.count(r.path) || exif_gaps.count(r.path)) gaps_seen.push_back(r.path);
      continue;
    }
    if (r.expected == "ok") {
      ++ok_total;
      bool optional_fail = !res.ok() && Has(r.note, "[optional]") &&
                           (res.status().code() == ErrorCode::kUnsupportedFormat ||
                            res.status().code() == ErrorCode::kUndecodable);
      bool pass = res.ok() && res->variants.size() == 3;
      for (size_t i = 0; pass && i < res->variants.size(); ++i) {
        // An animated GIF's variants are animated WebPs, which WebPDecode
        // refuses: libwebp's demuxer must read them instead.
        pass = edgepix::testing::DecodeWebpRgba(res->variants[i].webp).ok() ||
               edgepix::testing::InspectWebpAnimation(res->variants[i].webp).animated;
      }
      const bool known_gap = decode_gaps.count(r.path) > 0;
      if (known_gap) {
        if (pass || optional_fail) {
          failures.push_back("listed " + r.path + " now passes: take it off corpus_known_gaps.tsv");
        } else {
          gaps_seen.push_back(r.path + " -> " + got);
        }
      } else if (pass || optional_fail) {
        ++ok_pass;
      } else {
        failures.push_back("ok     " + r.path + " -> " + got);
      }
      if (res.ok()) {
        std::string bad = CheckExif(r, res->metadata);
        if (exif_gaps.count(r.path)) {
          if (bad.empty()) {
            exif_failures.push_back(r.path + ": now read right, take it off corpus_known_gaps.tsv");
          } else {
            gaps_seen.push_back(r.path + ":" + bad);
          }
        } else if (!bad.empty()) {
          exif_failures.push_back(r.path + ":" + bad);
        }
        if (r.path.rfind("orientation/", 0) == 0) upright_large[r.path] = res->variants[2];
        const std::string ref = UprightReference(r.path);
        if (!ref.empty() && res->variants.size() == 3) {
          if (!references.count(ref)) references[ref] = ReferenceLarge(ref);
          const auto& want = references[ref];
          if (!want) {
            failures.push_back("upright " + r.path + ": reference " + ref + " did not decode");
          } else if (want->width != res->variants[2].width ||
                     want->height != res->variants[2].height) {
            failures.push_back("upright " + r.path + ": large is " +
                               std::to_string(res->variants[2].width) + "x" +
                               std::to_string(res->variants[2].height) + ", " + ref + " gives " +
                               std::to_string(want->width) + "x" + std::to_string(want->height));
          } else if (double d = MeanDiff(*want, res->variants[2]); d >= 12.0) {
            failures.push_back("upright " + r.path + ": differs from " + ref + " by " +
                               std::to_string(d) + " a sample (not displayed upright)");
          } else {
            ++upright_checked;
          }
        }
      }
    } else {
      ++reject_total;
      bool bomb = Has(r.note, "[bomb]");
      bool pass;
      if (bomb) {
        pass = !res.ok() && (res.status().code() == ErrorCode::kTooManyPixels ||
                             res.status().code() == ErrorCode::kOverMemoryBudget ||
                             res.status().code() == ErrorCode::kUndecodable);
      } else {
        pass = !res.ok() || Has(r.note, "[lenient]");
      }
      if (pass && !res.ok()) {
        pass = res.status().code() != ErrorCode::kInternal && !res.status().message().empty();
      }
      if (pass) {
        ++reject_pass;
      } else {
        failures.push_back("reject " + r.path + " -> " + got);
      }
    }
  }
  std::string report;
  for (const auto& f : failures) report += f + "\n";
  INFO("ok rows passing: " << ok_pass << "/" << ok_total << ", reject rows passing: " << reject_pass
                           << "/" << reject_total
                           << ", HEIF/AVIF rows checked upright against a reference: "
                           << upright_checked << ", known gaps (corpus_known_gaps.tsv) met: "
                           << gaps_seen.size() << "\n"
                           << report);
  CHECK(failures.empty());
  // Both corpora hold HEIF/AVIF orientation sets: they must have been compared.
  if (ei::HeifSupported()) CHECK(upright_checked > 0);
  // Every listed gap was met (a listed path the corpus no longer has is stale).
  CHECK(gaps_seen.size() == decode_gaps.size() + exif_gaps.size());
  std::string exif_report;
  for (const auto& f : exif_failures) exif_report += f + "\n";
  INFO("EXIF mismatches:\n" << exif_report);
  CHECK(exif_failures.empty());

  // Every orientation example must look like its upright (_1) reference.
  for (const char* kind : {"Landscape", "Portrait"}) {
    std::string ref_key = std::string("orientation/") + kind + "_1.jpg";
    if (!upright_large.count(ref_key)) continue;
    auto ref = edgepix::testing::DecodeWebpRgba(upright_large[ref_key].webp);
    for (int o = 0; o <= 8; ++o) {
      std::string key = std::string("orientation/") + kind + "_" + std::to_string(o) + ".jpg";
      if (!upright_large.count(key)) continue;
      auto img = edgepix::testing::DecodeWebpRgba(upright_large[key].webp);
      INFO(key);
      REQUIRE(img.width == ref.width);
      REQUIRE(img.height == ref.height);
      double diff = 0;
      for (size_t i = 0; i < img.rgba.size(); ++i) diff += std::abs(img.rgba[i] - ref.rgba[i]);
      diff /= img.rgba.size();
      CHECK(diff < 12.0);
    }
  }
}

}  // namespace

// One test case per corpus, so that ctest can run the two at once.
TEST_CASE("corpus conformance: corpus", "[image][corpus]") {
  CheckCorpus("corpus", CorpusDir("corpus"));
}

TEST_CASE("corpus conformance: corpus2", "[image][corpus]") {
  CheckCorpus("corpus2", CorpusDir("corpus2"));
}
