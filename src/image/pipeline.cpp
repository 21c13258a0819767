// ProcessImage: header -> limits and memory -> metadata -> pixel budget -> (a
// baseline JPEG's thumb first, from its own reduced DCT decode, encoded and
// published: early_variant.h) -> one decode at the size the largest variant
// needs -> ICC -> per-variant resize (cascading through smaller intermediate
// results) -> orientation -> WebP, smallest first, the largest on a helper
// thread when a core is idle.
//
// Resizing happens in stored orientation and each (small) output is rotated
// afterwards: the result equals orient-then-resize because every crop is
// centred, and it avoids rotating the large decoded buffer.

#include "image/pipeline.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>
#include <optional>

#include "image/cpu_tokens.h"
#include "image/decode.h"
#include "image/early_variant.h"
#include "image/encode_animated.h"
#include "image/encode_variants.h"
#include "image/encode_webp.h"
#include "image/exif.h"
#include "image/header.h"
#include "image/icc.h"
#include "image/malloc_tuning.h"
#include "image/orient.h"
#include "image/pixel_budget.h"
#include "image/resize.h"
#include "image/thumbhash.h"

namespace edgepix::image {
namespace {

// A variant's plan mapped to stored orientation.
struct StoredPlan {
  int out_w, out_h;  // stored orientation
  double fx, fy;     // centred crop fractions, stored orientation
};

StoredPlan ToStored(const OutputPlan& p, bool swap) {
  if (!swap) return {p.width, p.height, p.crop_fx, p.crop_fy};
  return {p.height, p.width, p.crop_fy, p.crop_fx};
}

Status ValidateSpecs(const std::vector<VariantSpec>& specs) {
  for (const auto& s : specs) {
    if (s.width < 1 || s.height < 1 || s.width > 16384 || s.height > 16384) {
      return Status::Error(ErrorCode::kBadRequest, "variant " + s.name + " has an invalid size");
    }
  }
  return Status::Ok();
}

Result<PixelBuffer> Decode(std::string_view bytes, const HeaderInfo& h, int min_w, int min_h,
                           std::vector<std::string>* warnings) {
  switch (h.probe.format) {
    case Format::kJpeg:
      return DecodeJpeg(bytes, h, min_w, min_h, warnings);
    case Format::kWebp:
      return DecodeWebp(bytes, h, min_w, min_h);
    case Format::kPng:
      return DecodePng(bytes, h, min_w, min_h);
    case Format::kGif:
      return DecodeGif(bytes, h);
    case Format::kBmp:
      return DecodeBmp(bytes, h);
    case Format::kHeic:
    case Format::kAvif:
    case Format::kHeif:
      return DecodeHeif(bytes, h);
    case Format::kUnknown:
      break;
  }
  return Status::Error(ErrorCode::kUnsupportedFormat, "unknown format");
}

// Decodes at least min_w x min_h (stored orientation), drops an alpha channel
// nothing uses and converts to sRGB.
Result<PixelBuffer> DecodeToSrgb(std::string_view bytes, const HeaderInfo& h, int min_w, int min_h,
                                 std::vector<std::string>* warnings) {
  EDGEPIX_ASSIGN_OR_RETURN(auto decoded, Decode(bytes, h, min_w, min_h, warnings));
  if (decoded.channels == 4 && !AnyTransparent(decoded)) DropAlphaInPlace(decoded);
  if (!h.icc.empty() && !(h.probe.format == Format::kJpeg && h.jpeg_components == 4)) {
    ConvertToSrgb(decoded, h.icc);
  }
  return decoded;
}

// One resized output made ready to encode: oriented, hidden colour cleared;
// read-only from here on.
Result<std::shared_ptr<const PixelBuffer>> Finish(std::shared_ptr<PixelBuffer> px,
                                                  int orientation) {
  if (orientation != 1) {
    EDGEPIX_ASSIGN_OR_RETURN(auto oriented, Orient(*px, orientation));
    px = std::make_shared<PixelBuffer>(std::move(oriented));
  }
  ClearHiddenColour(*px);
  return std::shared_ptr<const PixelBuffer>(std::move(px));
}

// Every output in stored orientation, largest first so that smaller ones are
// derived from them (each source at least twice the output's density).
// Returns them in spec order; outputs equal to a source share its buffer.
Result<std::vector<std::shared_ptr<PixelBuffer>>> ResizeAll(PixelBuffer decoded,
                                                            const std::vector<StoredPlan>& stored) {
  std::vector<size_t> order(stored.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return int64_t(stored[a].out_w) * stored[a].out_h > int64_t(stored[b].out_w) * stored[b].out_h;
  });
  // Sources cover the whole image (no crop): the decoded buffer plus every
  // uncropped output made so far.
  std::vector<std::shared_ptr<PixelBuffer>> sources;
  sources.push_back(std::make_shared<PixelBuffer>(std::move(decoded)));
  std::vector<std::shared_ptr<PixelBuffer>> outputs(stored.size());
  for (size_t idx : order) {
    const StoredPlan& sp = stored[idx];
    std::shared_ptr<PixelBuffer> src = sources.front();
    for (const auto& cand : sources) {
      bool dense = cand->width * sp.fx >= 2.0 * sp.out_w && cand->height * sp.fy >= 2.0 * sp.out_h;
      if (dense && int64_t(cand->width) * cand->height < int64_t(src->width) * src->height) {
        src = cand;
      }
    }
    bool whole = sp.fx >= 1.0 && sp.fy >= 1.0;
    if (whole && src->width == sp.out_w && src->height == sp.out_h) {
      outputs[idx] = src;  // already the right size: share, don't copy
      continue;
    }
    EDGEPIX_ASSIGN_OR_RETURN(auto resized, ResizeCentred(*src, sp.fx, sp.fy, sp.out_w, sp.out_h));
    outputs[idx] = std::make_shared<PixelBuffer>(std::move(resized));
    if (whole) sources.push_back(outputs[idx]);
  }
  return outputs;  // frees the decoded buffer unless an output shares it
}

}  // namespace

Result<PipelineResult> ProcessImage(std::string_view bytes, const std::vector<VariantSpec>& specs,
                                    const PipelineOptions& options) {
  EDGEPIX_RETURN_IF_ERROR(ValidateSpecs(specs));
  EDGEPIX_ASSIGN_OR_RETURN(auto header, ReadHeader(bytes, /*want_metadata=*/true));
  const HeaderInfo& h = header;
  Limits limits = options.limits;  // the memory check plans for the variants asked for here
  limits.variants = specs;
  EDGEPIX_RETURN_IF_ERROR(CheckHeader(h, limits));

  RetainFreedImageMemory();
  PipelineResult result;
  result.original = h.probe;
  if (!h.exif().empty()) result.metadata = ParseExif(h.exif());
  // HEIF: libheif has oriented the pixels by irot/imir; the EXIF tag is kept
  // in the metadata as information only (applying it would rotate twice).
  const int orientation = h.decoder_orients ? 1 : result.metadata.orientation;
  const bool swap = SwapsAxes(orientation);
  const int disp_w = swap ? h.probe.height : h.probe.width;
  const int disp_h = swap ? h.probe.width : h.probe.height;

  // Plan every output on the full-resolution displayed image, and find how
  // much of the source the sharpest one needs: twice its output density.
  std::vector<StoredPlan> stored;
  for (const auto& s : specs) {
    stored.push_back(ToStored(PlanOutput(disp_w, disp_h, s.width, s.height, s.fit), swap));
  }
  if (IsAnimation(h)) {
    AnimationDecision animation = DecideAnimation(h, specs, options);
    if (animation.keep) {
      PixelBudget& budget = PixelBudget::Process();
      budget.SetCapacity(options.limits.memory_budget_bytes);
      PixelBudget::Lease lease = budget.Acquire(AnimationFootprintBytes(h, specs));
      CpuTokens::Token busy = CpuTokens::Process().Hold();
      auto animation_out = EncodeAnimation(bytes, h, specs, options);
      if (animation_out.ok()) {
        result.variants = std::move(animation_out->variants);
        result.thumbhash = std::move(animation_out->thumbhash);
        return result;
      }
      // A broken APNG animation (missing frame data, sequence out of order,
      // a frame past the canvas) leaves a valid default image, which is what
      // browsers then show: so do we, and say why. Nothing was published yet.
      if (h.probe.format != Format::kPng ||
          animation_out.status().code() != ErrorCode::kUndecodable) {
        return animation_out.status();
      }
      result.warnings.push_back("animation not kept (" + animation_out.status().message() +
                                "): its default image is shown, as browsers do");
    } else {
      result.warnings.push_back(animation.note);
    }
  } else if (h.animated && (h.probe.format == Format::kAvif || h.probe.format == Format::kHeic ||
                            h.probe.format == Format::kHeif)) {
    // libheif 1.15 reads no image sequences: the still primary item is shown.
    result.warnings.push_back(
        "image sequence kept as its still image only (AVIF/HEIF sequences are not converted)");
  }
  PixelBudget& budget = PixelBudget::Process();
  budget.SetCapacity(options.limits.memory_budget_bytes);
  std::vector<size_t> main_idx;  // the variants made from the full decode
  std::vector<VariantOutput> early_out;
  std::shared_ptr<const PixelBuffer> early_px;
  // Only where someone sees variants as they come (on_variant: the server): a
  // batch (edgepix process) would pay the second, reduced decode for nothing.
  const std::optional<size_t> early =
      options.on_variant ? EarlyVariantIndex(h, swap, specs) : std::nullopt;
  for (size_t i = 0; i < specs.size(); ++i) {
    if (i != early) main_idx.push_back(i);
  }
  if (early) {
    // The thumb first, from its own reduced decode (early_variant.h). Its
    // warnings are the full decode's too: reported once, from that one.
    const Size t = DecodeTargetSize(h, swap, {specs[*early]});
    PixelBudget::Lease lease = budget.Acquire(DecodeFootprintBytes(h, t.width, t.height));
    CpuTokens::Token busy = CpuTokens::Process().Hold();
    EDGEPIX_ASSIGN_OR_RETURN(auto px, DecodeToSrgb(bytes, h, t.width, t.height, nullptr));
    EDGEPIX_ASSIGN_OR_RETURN(auto outs, ResizeAll(std::move(px), {stored[*early]}));
    lease.Release();
    EDGEPIX_ASSIGN_OR_RETURN(early_px, Finish(std::move(outs[0]), orientation));
    EDGEPIX_ASSIGN_OR_RETURN(
        auto enc, EncodeVariants({{&specs[*early], early_px}}, options.webp_method, false,
                                 options.on_variant));
    early_out = std::move(enc);
  }
  std::vector<VariantSpec> main_specs;
  for (size_t i : main_idx) main_specs.push_back(specs[i]);
  const Size target = DecodeTargetSize(h, swap, main_specs);
  const int min_w = target.width, min_h = target.height;

  const uint64_t decode_bytes = DecodeFootprintBytes(h, min_w, min_h);
  PixelBudget::Lease lease = budget.Acquire(decode_bytes);
  TrimHeapForLargeDecode(decode_bytes);
  CpuTokens::Token busy = CpuTokens::Process().Hold();  // not while waiting above
  EDGEPIX_ASSIGN_OR_RETURN(auto decoded, DecodeToSrgb(bytes, h, min_w, min_h, &result.warnings));
  if (h.decoder_orients && (decoded.width != disp_w || decoded.height != disp_h)) {
    // libheif 1.15 sizes some handles before their irot/clap (when ipma lists
    // them ahead of ispe); its decode is the displayed image: plan on that.
    result.original.width = decoded.width;
    result.original.height = decoded.height;
    for (size_t i = 0; i < specs.size(); ++i) {
      const VariantSpec& s = specs[i];
      stored[i] =
          ToStored(PlanOutput(decoded.width, decoded.height, s.width, s.height, s.fit), false);
    }
  }
  std::vector<StoredPlan> main_stored;
  for (size_t i : main_idx) main_stored.push_back(stored[i]);
  EDGEPIX_ASSIGN_OR_RETURN(auto outputs, ResizeAll(std::move(decoded), main_stored));
  lease.Release();                       // what remains is at most variant-sized
  TrimHeapForLargeDecode(decode_bytes);  // the decode's memory is freed by now

  std::vector<ReadyVariant> ready(main_idx.size());
  for (size_t j = 0; j < main_idx.size(); ++j) {
    EDGEPIX_ASSIGN_OR_RETURN(auto px, Finish(std::move(outputs[j]), orientation));
    ready[j] = {&specs[main_idx[j]], std::move(px)};
  }
  outputs.clear();
  // The placeholder comes from the smallest variant, as the page shows it in its place.
  std::vector<const PixelBuffer*> all_px;
  for (const auto& r : ready) all_px.push_back(r.pixels.get());
  if (early_px) all_px.push_back(early_px.get());
  if (!all_px.empty()) {
    const auto smallest = std::min_element(all_px.begin(), all_px.end(), [](auto* a, auto* b) {
      return int64_t(a->width) * a->height < int64_t(b->width) * b->height;
    });
    EDGEPIX_ASSIGN_OR_RETURN(result.thumbhash, ThumbHashOf(**smallest));
  }

  CpuTokens::Token extra;
  if (options.parallel == ParallelVariants::kAlways) {
    extra = CpuTokens::Process().Hold();
  } else if (options.parallel == ParallelVariants::kWhenIdle) {
    extra = CpuTokens::Process().TryExtra();
  }
  EDGEPIX_ASSIGN_OR_RETURN(
      auto variants,
      EncodeVariants(ready, options.webp_method, static_cast<bool>(extra), options.on_variant));
  result.variants.resize(specs.size());
  for (size_t j = 0; j < main_idx.size(); ++j)
    result.variants[main_idx[j]] = std::move(variants[j]);
  if (early) result.variants[*early] = std::move(early_out[0]);
  return result;
}

}  // namespace edgepix::image
