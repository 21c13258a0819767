// The variant pipeline: original bytes in, WebP variants plus facts out.
//
// decode (shrink-on-load where the format allows) -> ICC to sRGB -> EXIF
// orientation -> resize per variant -> WebP encode without metadata.
// Pure functions over memory: no HTTP, no SQLite, no files. Safe to call from
// many threads at once. Never crashes or allocates wildly on hostile input: the
// header is checked against Limits before any pixel buffer exists.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace edgepix::image {

// kHeic, kAvif and kHeif are the HEIF family (ISO-BMFF `ftyp` brands: HEVC,
// AV1, any other HEIF codec), all decoded through libheif.
enum class Format { kUnknown, kJpeg, kPng, kGif, kBmp, kWebp, kHeic, kAvif, kHeif };
const char* FormatName(Format f);  // "jpeg", "png", ... "heic", "avif", "heif", "unknown"
bool IsHeifFamily(Format f);
// False when built with EDGEPIX_HEIF=OFF (the static build): the HEIF family
// is then sniffed but refused as kUnsupportedFormat.
bool HeifSupported();

enum class Fit {
  kCover,   // fill WxH exactly, centre crop
  kInside,  // fit inside WxH keeping aspect ratio
  kFill,    // stretch to exactly WxH
};
const char* FitName(Fit fit);  // "cover", "inside", "fill": the --variant spelling

struct VariantSpec {
  std::string name;  // IsValidVariantName (common/name_rules.h)
  int width = 0;
  int height = 0;
  Fit fit = Fit::kInside;
  int quality = 85;  // WebP quality 0..100
};

// thumb 150x150 cover, medium inside 640x640, large inside 1280x1280, q85.
std::vector<VariantSpec> DefaultVariants();
// Parses "NAME:WxH:FIT[:QUALITY]" (FIT is cover|inside|fill).
Result<VariantSpec> ParseVariantSpec(std::string_view text);

struct Limits {
  uint64_t max_pixels = 100ull * 1000 * 1000;  // from --max-megapixels
  int max_side = 65535;
  // Bytes of decoded pixels all decodes together may hold (--memory-budget-mb):
  // PixelBudget::Process()'s capacity, and the most one image's decode may
  // need (DecodeFootprintBytes); more is refused (kOverMemoryBudget). 0 = none.
  uint64_t memory_budget_bytes = 256ull * 1000 * 1000;
  // What the decode must serve: how far JPEG, WebP and PNG shrink on load
  // depends on it, so the memory check at intake plans for these variants.
  std::vector<VariantSpec> variants = DefaultVariants();
};

struct VariantOutput;

// When one image may encode its variants on two threads.
enum class ParallelVariants {
  kWhenIdle,  // only if a core is idle (CpuTokens: no other image needs it)
  kNever,
  kAlways,  // even on a busy box (tests, benchmarks)
};
const char* ParallelVariantsName(ParallelVariants p);  // "when-idle", "never", "always"
// The inverse of ParallelVariantsName; nullopt for any other text.
std::optional<ParallelVariants> ParseParallelVariants(std::string_view text);

struct PipelineOptions {
  // Each ProcessImage call sets PixelBudget::Process()'s capacity to
  // limits.memory_budget_bytes, so callers in one process should agree.
  Limits limits;
  int webp_method = 4;  // 0..6
  ParallelVariants parallel = ParallelVariants::kWhenIdle;
  // Animated GIFs and WebPs become animated WebP variants (encode_animated.h) when they
  // have at most max_frames frames (--max-frames) and fit the limits; else
  // stills of the first frame, with a warning saying why.
  bool keep_animation = true;
  int max_frames = 300;
  bool animated_thumb = true;  // false: the smallest variant is a still (--animated-thumb)
  // Called on the calling thread as soon as each variant is encoded, smallest
  // (pixel count) first, before ProcessImage returns; the result still lists
  // every variant in spec order. Set, it also makes a baseline JPEG's thumb
  // first from its own reduced decode (early_variant.h); unset, nobody sees
  // the order, and that extra decode is skipped. A later error still fails the whole call, so
  // anything published from here must be retractable.
  std::function<void(const VariantOutput&)> on_variant;
};

// What a header says, read without decoding pixels.
struct ProbeInfo {
  Format format = Format::kUnknown;
  // As stored, before EXIF orientation. HEIF family: as displayed, since
  // libheif applies the file's own irot/imir/clap (the EXIF tag is not used).
  int width = 0;
  int height = 0;
};

// Sniffs the format from magic bytes only (HEIF family: the `ftyp` brands).
// kUnknown for anything else (MP4/MOV, TIFF, SVG, text...).
Format SniffFormat(std::string_view head);

// Reads format and declared dimensions from the header. Errors:
// kUnsupportedFormat (not JPEG/PNG/GIF/BMP/WebP/HEIC/AVIF), kUndecodable (header
// unreadable, or a GIF whose first frame lies wholly outside its screen),
// kTooManyPixels (over max_pixels/max_side), kOverMemoryBudget (its decode
// would need more than limits.memory_budget_bytes). `bytes` may be only the
// start of the file: a header cut short is still checked against the limits
// as far as it was read.
Result<ProbeInfo> Probe(std::string_view bytes, const Limits& limits);

struct GpsPoint {
  double lat = 0;
  double lon = 0;
};

struct ImageMetadata {
  std::optional<std::string> taken_at;  // EXIF DateTimeOriginal as ISO 8601 "2024-05-01T12:34:56"
  std::optional<std::string> camera_make;
  std::optional<std::string> camera_model;
  std::optional<GpsPoint> gps;  // decimal degrees, south/west negative
  // EXIF 1..8. Applied to the variants, except for the HEIF family, where the
  // file's irot/imir already orient the image and this is information only.
  int orientation = 1;
};

struct VariantOutput {
  std::string name;
  int width = 0;
  int height = 0;
  std::string webp;  // encoded bytes, no metadata chunks
};

struct PipelineResult {
  ProbeInfo original;  // format and stored dimensions
  ImageMetadata metadata;
  std::vector<VariantOutput> variants;  // same order as the specs
  // What was tolerated on the way, for the job to show (libjpeg's warnings on
  // a damaged JPEG, ...). Empty for a clean image.
  std::vector<std::string> warnings;
  // The ThumbHash (image/thumbhash.h) of the smallest variant, its first frame
  // for an animation: binary, about 25 bytes; empty only when no variant was asked.
  std::string thumbhash;
};

// Runs the whole pipeline. The first call tunes glibc malloc to keep freed
// image memory mapped (see malloc_tuning.h). Errors: those of Probe, plus kUndecodable for
// corrupt/truncated data and kInternal for encoder failures.
Result<PipelineResult> ProcessImage(std::string_view bytes, const std::vector<VariantSpec>& specs,
                                    const PipelineOptions& options);

}  // namespace edgepix::image
