#include "image/encode_animated.h"

#include <webp/demux.h>
#include <webp/encode.h>
#include <webp/mux.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <numeric>

#include "image/apng_frames.h"
#include "image/encode_webp.h"
#include "image/gif_frames.h"
#include "image/resize.h"
#include "image/thumbhash.h"

namespace edgepix::image {
namespace {

// A delay browsers would not honour (0 or 10 ms) plays at 100 ms.
constexpr int kMinDelayMs = 20;
constexpr int kSlowDelayMs = 100;

struct EncoderDelete {
  void operator()(WebPAnimEncoder* e) const { WebPAnimEncoderDelete(e); }
};
using Encoder = std::unique_ptr<WebPAnimEncoder, EncoderDelete>;

struct Variant {
  const VariantSpec* spec = nullptr;
  OutputPlan plan;
  bool still = false;
  Encoder encoder;
  WebPConfig config;
  std::string still_webp;
};

Status AddFrame(Variant& v, const PixelBuffer& rgba, int timestamp_ms) {
  WebPPicture pic;
  if (!WebPPictureInit(&pic)) return Status::Error(ErrorCode::kInternal, "WebP: init");
  pic.use_argb = 1;
  pic.width = rgba.width;
  pic.height = rgba.height;
  const bool imported = WebPPictureImportRGBA(&pic, rgba.pixels(), int(rgba.stride()));
  const bool added = imported && WebPAnimEncoderAdd(v.encoder.get(), &pic, timestamp_ms, &v.config);
  WebPPictureFree(&pic);
  if (!added) {
    const char* why = WebPAnimEncoderGetError(v.encoder.get());
    return Status::Error(ErrorCode::kInternal, std::string("WebP animation: cannot add a frame (") +
                                                   (why ? why : "") + ")");
  }
  return Status::Ok();
}

int WebpLoops(int gif_loops) {
  if (gif_loops < 0) return 1;   // no NETSCAPE2.0 extension: plays once
  if (gif_loops == 0) return 0;  // forever
  return std::min(gif_loops + 1, 65535);
}

Status StartEncoders(std::vector<Variant>& variants, const PipelineOptions& options,
                     int webp_loops) {
  for (Variant& v : variants) {
    if (v.still) continue;
    if (!WebPConfigInit(&v.config)) return Status::Error(ErrorCode::kInternal, "WebP: bad version");
    v.config.quality = float(std::clamp(v.spec->quality, 0, 100));
    v.config.method = std::clamp(options.webp_method, 0, 6);
    WebPAnimEncoderOptions eo;
    if (!WebPAnimEncoderOptionsInit(&eo)) {
      return Status::Error(ErrorCode::kInternal, "WebP animation: bad version");
    }
    eo.anim_params.loop_count = webp_loops;
    v.encoder.reset(WebPAnimEncoderNew(v.plan.width, v.plan.height, &eo));
    if (!v.encoder) return Status::Error(ErrorCode::kInternal, "WebP animation: no encoder");
  }
  return Status::Ok();
}

// One composited RGBA frame after another, with its delay (ms, as stored)
// and the loop count in WebP's terms (plays; 0 = forever).
class FrameSource {
 public:
  virtual ~FrameSource() = default;
  virtual Result<bool> Next() = 0;
  virtual const PixelBuffer& canvas() const = 0;
  virtual int delay_ms() const = 0;
  virtual int webp_loops() const = 0;
};

class GifSource : public FrameSource {
 public:
  explicit GifSource(std::unique_ptr<GifFrames> gif) : gif_(std::move(gif)) {}
  Result<bool> Next() override { return gif_->Next(); }
  const PixelBuffer& canvas() const override { return gif_->canvas(); }
  int delay_ms() const override { return gif_->frame().delay_ms; }
  int webp_loops() const override { return WebpLoops(gif_->loop_count()); }

 private:
  std::unique_ptr<GifFrames> gif_;
};

// APNG's num_plays is already a play count (0 = forever), as WebP's loop count.
class ApngSource : public FrameSource {
 public:
  explicit ApngSource(std::unique_ptr<ApngFrames> apng) : apng_(std::move(apng)) {}
  Result<bool> Next() override { return apng_->Next(); }
  const PixelBuffer& canvas() const override { return apng_->canvas(); }
  int delay_ms() const override { return apng_->delay_ms(); }
  int webp_loops() const override { return apng_->plays(); }

 private:
  std::unique_ptr<ApngFrames> apng_;
};

struct AnimDecoderDelete {
  void operator()(WebPAnimDecoder* d) const { WebPAnimDecoderDelete(d); }
};

// WebPAnimDecoder composites (and times) the frames; its canvas is copied
// into ours, which ResizeCentred reads.
class WebpSource : public FrameSource {
 public:
  static Result<std::unique_ptr<WebpSource>> Open(std::string_view bytes) {
    auto src = std::unique_ptr<WebpSource>(new WebpSource());
    WebPAnimDecoderOptions opts;
    if (!WebPAnimDecoderOptionsInit(&opts)) {
      return Status::Error(ErrorCode::kInternal, "WebP animation: bad version");
    }
    opts.color_mode = MODE_RGBA;
    opts.use_threads = 0;
    WebPData data{reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()};
    src->dec_.reset(WebPAnimDecoderNew(&data, &opts));
    WebPAnimInfo info;
    if (!src->dec_ || !WebPAnimDecoderGetInfo(src->dec_.get(), &info)) {
      return Status::Error(ErrorCode::kUndecodable, "WebP: cannot read the animation");
    }
    src->loops_ = int(info.loop_count);
    EDGEPIX_ASSIGN_OR_RETURN(
        auto canvas, PixelBuffer::Allocate(int(info.canvas_width), int(info.canvas_height), 4));
    src->canvas_ = std::move(canvas);
    return src;
  }
  Result<bool> Next() override {
    if (!WebPAnimDecoderHasMoreFrames(dec_.get())) return false;
    uint8_t* frame = nullptr;
    int timestamp = 0;
    if (!WebPAnimDecoderGetNext(dec_.get(), &frame, &timestamp) || !frame) {
      return Status::Error(ErrorCode::kUndecodable, "WebP: corrupt animation frame");
    }
    std::memcpy(canvas_.pixels(), frame, canvas_.size());
    delay_ = timestamp - last_;
    last_ = timestamp;
    return true;
  }
  const PixelBuffer& canvas() const override { return canvas_; }
  int delay_ms() const override { return delay_; }
  int webp_loops() const override { return loops_; }

 private:
  WebpSource() = default;
  std::unique_ptr<WebPAnimDecoder, AnimDecoderDelete> dec_;
  PixelBuffer canvas_;
  int loops_ = 0, delay_ = 0, last_ = 0;
};

}  // namespace

uint64_t AnimationFootprintBytes(const HeaderInfo& h, const std::vector<VariantSpec>& specs) {
  const uint64_t screen = uint64_t(h.probe.width) * uint64_t(h.probe.height);
  // Two RGBA screens (GIF: canvas and "restore to previous" copy; WebP:
  // WebPAnimDecoder's canvas and ours) plus the frame being decoded.
  uint64_t bytes = (1u << 20) + screen * 12;
  for (const auto& s : specs) {
    OutputPlan p = PlanOutput(h.probe.width, h.probe.height, s.width, s.height, s.fit);
    // WebPAnimEncoder keeps the previous canvas, the current one and its best
    // candidate sub-frames (ARGB and YUV): about four RGBA canvases.
    bytes += uint64_t(p.width) * uint64_t(p.height) * 4 * 4;
  }
  return bytes;
}

bool IsAnimation(const HeaderInfo& h) {
  return h.animated && h.frame_count > 1 &&
         (h.probe.format == Format::kGif || h.probe.format == Format::kWebp ||
          h.probe.format == Format::kPng);
}

AnimationDecision DecideAnimation(const HeaderInfo& h, const std::vector<VariantSpec>& specs,
                                  const PipelineOptions& options) {
  AnimationDecision d;
  const int frames = h.frame_count;
  const uint64_t pixels = uint64_t(frames) * uint64_t(h.probe.width) * uint64_t(h.probe.height);
  const std::string what = "animation of " + std::to_string(frames) + " frames";
  if (!options.keep_animation) {
    d.note = what + " kept as its first frame only (animations are off)";
  } else if (frames > options.max_frames) {
    d.note = what + " kept as its first frame only: more than --max-frames " +
             std::to_string(options.max_frames);
  } else if (pixels > options.limits.max_pixels) {
    d.note = what + " kept as its first frame only: frames x width x height = " +
             std::to_string(pixels / 1000000) + " megapixels, over --max-megapixels " +
             std::to_string(options.limits.max_pixels / 1000000);
  } else if (options.limits.memory_budget_bytes > 0 &&
             AnimationFootprintBytes(h, specs) > options.limits.memory_budget_bytes) {
    d.note = what + " kept as its first frame only: encoding it needs more than the memory budget";
  } else {
    d.keep = true;
  }
  return d;
}

Result<AnimationOutput> EncodeAnimation(std::string_view bytes, const HeaderInfo& h,
                                        const std::vector<VariantSpec>& specs,
                                        const PipelineOptions& options) {
  std::unique_ptr<FrameSource> source;
  if (h.probe.format == Format::kGif) {
    EDGEPIX_ASSIGN_OR_RETURN(auto opened, GifFrames::Open(bytes));
    source = std::make_unique<GifSource>(std::move(opened));
  } else if (h.probe.format == Format::kPng) {
    EDGEPIX_ASSIGN_OR_RETURN(auto opened, ApngFrames::Open(bytes));
    source = std::make_unique<ApngSource>(std::move(opened));
  } else {
    EDGEPIX_ASSIGN_OR_RETURN(auto opened, WebpSource::Open(bytes));
    source = std::move(opened);
  }
  FrameSource& frames = *source;
  if (frames.canvas().width != h.probe.width || frames.canvas().height != h.probe.height) {
    return Status::Error(ErrorCode::kUndecodable, "animation canvas differs from the header");
  }
  std::vector<Variant> variants(specs.size());
  size_t smallest = 0;
  for (size_t i = 0; i < specs.size(); ++i) {
    Variant& v = variants[i];
    v.spec = &specs[i];
    v.plan =
        PlanOutput(h.probe.width, h.probe.height, specs[i].width, specs[i].height, specs[i].fit);
    if (int64_t(v.plan.width) * v.plan.height <
        int64_t(variants[smallest].plan.width) * variants[smallest].plan.height) {
      smallest = i;
    }
  }
  if (!options.animated_thumb && !variants.empty()) variants[smallest].still = true;
  int timestamp = 0;
  bool first = true;
  std::string thumbhash;
  for (;;) {
    EDGEPIX_ASSIGN_OR_RETURN(auto more, frames.Next());
    if (!more) break;
    const int delay = frames.delay_ms() < kMinDelayMs ? kSlowDelayMs : frames.delay_ms();
    // The loop count comes before the first frame: the encoders start now.
    if (first) EDGEPIX_RETURN_IF_ERROR(StartEncoders(variants, options, frames.webp_loops()));
    for (Variant& v : variants) {
      if (v.still && !first) continue;
      EDGEPIX_ASSIGN_OR_RETURN(
          auto resized, ResizeCentred(frames.canvas(), v.plan.crop_fx, v.plan.crop_fy, v.plan.width,
                                      v.plan.height));
      ClearHiddenColour(resized);
      if (first && &v == &variants[smallest]) {
        EDGEPIX_ASSIGN_OR_RETURN(thumbhash, ThumbHashOf(resized));
      }
      if (v.still) {
        EDGEPIX_ASSIGN_OR_RETURN(auto webp,
                                 EncodeWebp(resized, v.spec->quality, options.webp_method));
        v.still_webp = std::move(webp);
        continue;
      }
      EDGEPIX_RETURN_IF_ERROR(AddFrame(v, resized, timestamp));
    }
    timestamp += delay;
    first = false;
  }
  std::vector<VariantOutput> out(specs.size());
  for (size_t i = 0; i < variants.size(); ++i) {
    Variant& v = variants[i];
    out[i].name = v.spec->name;
    out[i].width = v.plan.width;
    out[i].height = v.plan.height;
    if (v.still) {
      out[i].webp = std::move(v.still_webp);
      continue;
    }
    WebPAnimEncoderAdd(v.encoder.get(), nullptr, timestamp, nullptr);
    WebPData data;
    WebPDataInit(&data);
    if (!WebPAnimEncoderAssemble(v.encoder.get(), &data)) {
      return Status::Error(ErrorCode::kInternal, "WebP animation: cannot assemble");
    }
    v.encoder.reset();
    out[i].webp.assign(reinterpret_cast<const char*>(data.bytes), data.size);
    WebPDataClear(&data);
  }
  // Published smallest first, like stills.
  std::vector<size_t> order(out.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return int64_t(out[a].width) * out[a].height < int64_t(out[b].width) * out[b].height;
  });
  if (options.on_variant) {
    for (size_t i : order) options.on_variant(out[i]);
  }
  return AnimationOutput{std::move(out), std::move(thumbhash)};
}

}  // namespace edgepix::image
