// JPEG decoding through libjpeg's own API (libjpeg-turbo): DCT-domain scaling
// (shrink on load), CMYK and YCCK to sRGB, grayscale expanded to RGB.
//
// Like a browser: libjpeg's warnings do not fail the decode. They are handed
// back as the image's warnings, and the rows libjpeg could not decode are
// filled as libjpeg fills them (grey after the data ends). Only a warning
// that means the entropy-coded data is damaged (IsDamage) counts against the
// image: the rows it costs (MarkDamage) must leave at least half of the rows
// (kMinGoodRows), else the decode fails. TurboJPEG's API cannot say
// where the damage starts, hence libjpeg's.

// <cstdio> before jpeglib.h, which uses size_t and FILE without including them;
// jerror.h after it, for its types.
#include <cstdio>
// clang-format off
#include <jpeglib.h>
#include <jerror.h>
// clang-format on
#include <turbojpeg.h>

#include <algorithm>
#include <csetjmp>
#include <cstring>
#include <string>
#include <vector>

#include "image/decode.h"
#include "image/icc.h"
#include "image/jpeg_coef_arrays.h"

namespace edgepix::image {
namespace {

// At least this share of the rows must decode before damage, or it fails.
constexpr double kMinGoodRows = 0.5;
// libjpeg-turbo's own guard against progressive files with endless scans
// (TurboJPEG's TJFLAG_LIMITSCANS uses the same number).
constexpr int kMaxScans = 500;
// Distinct warnings kept per image; more are counted.
constexpr int kMaxWarnings = 8;

struct ErrorManager {
  jpeg_error_mgr pub;  // first: libjpeg sees only this
  std::jmp_buf jump;
  char fatal[JMSG_LENGTH_MAX] = {};
  char warnings[kMaxWarnings][JMSG_LENGTH_MAX] = {};
  int kept = 0;
  int dropped = 0;
  // One flag per iMCU row of the first scan: damaged (sized after the header).
  std::vector<uint8_t> damaged_rows;
  bool damaged = false;
};

bool IsDamage(int code) {
  switch (code) {
    case JWRN_HIT_MARKER:
    case JWRN_JPEG_EOF:
    case JWRN_HUFF_BAD_CODE:
    case JWRN_MUST_RESYNC:
    case JWRN_ARITH_BAD_CODE:
    case JWRN_NOT_SEQUENTIAL:
    case JWRN_BOGUS_PROGRESSION:
      return true;
    default:
      return false;  // extraneous bytes, unknown JFIF revision, Adobe transform...
  }
}

// Which rows a damage warning costs. When the data ends, every row from here
// on; with restart markers libjpeg resynchronises at the next one, so one
// restart interval's rows; without them, every row from here on. A later
// scan of a progressive image only refines rows the first scan already gave.
void MarkDamage(j_decompress_ptr d, ErrorManager* err) {
  err->damaged = true;
  if (d->progressive_mode && d->input_scan_number > 1) return;
  const size_t rows = err->damaged_rows.size();
  const size_t from = std::min<size_t>(d->input_iMCU_row, rows);
  size_t to = rows;
  if (d->err->msg_code != JWRN_JPEG_EOF && d->restart_interval > 0 && d->MCUs_per_row > 0) {
    to = std::min(rows, from + (d->restart_interval + d->MCUs_per_row - 1) / d->MCUs_per_row);
  }
  std::fill(err->damaged_rows.begin() + from, err->damaged_rows.begin() + to, 1);
}

void OnError(j_common_ptr cinfo) {
  auto* err = reinterpret_cast<ErrorManager*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, err->fatal);
  std::longjmp(err->jump, 1);
}

void OnMessage(j_common_ptr cinfo, int level) {
  if (level >= 0) return;  // trace messages
  auto* err = reinterpret_cast<ErrorManager*>(cinfo->err);
  auto* d = reinterpret_cast<j_decompress_ptr>(cinfo);
  if (IsDamage(cinfo->err->msg_code) && d->input_scan_number > 0) MarkDamage(d, err);
  char msg[JMSG_LENGTH_MAX];
  (*cinfo->err->format_message)(cinfo, msg);
  for (int i = 0; i < err->kept; ++i) {
    if (std::strcmp(err->warnings[i], msg) == 0) return;
  }
  if (err->kept < kMaxWarnings) {
    std::memcpy(err->warnings[err->kept++], msg, sizeof(msg));
  } else {
    ++err->dropped;
  }
}

void OnProgress(j_common_ptr cinfo) {
  auto* d = reinterpret_cast<j_decompress_ptr>(cinfo);
  if (d->input_scan_number > kMaxScans) {
    auto* err = reinterpret_cast<ErrorManager*>(cinfo->err);
    std::snprintf(err->fatal, sizeof(err->fatal), "more than %d scans", kMaxScans);
    std::longjmp(err->jump, 1);
  }
}

Status JpegError(const std::string& msg) {
  if (msg.find("Unsupported") != std::string::npos || msg.find("precision") != std::string::npos ||
      msg.find("not supported") != std::string::npos) {
    return Status::Error(ErrorCode::kUnsupportedFormat, "JPEG variant not supported: " + msg);
  }
  return Status::Error(ErrorCode::kUndecodable, "JPEG: corrupt or truncated data: " + msg);
}

// Smallest of 1/8, 1/4, 1/2 and 1 that keeps both sides at least the minimum.
// libjpeg-turbo also decodes at 3/8, 5/8, 6/8 and 7/8 (and at the chroma's
// doubled sizes for those), but its inverse DCTs for these are plain C while
// 8x8, 4x4, 2x2 and 1x1 have SIMD (x86 and Arm alike): a 7/8 decode costs
// more than a whole one, so the resampler is better off with the larger image.
tjscalingfactor ChooseScale(int w, int h, int min_w, int min_h) {
  tjscalingfactor best{1, 1};
  for (int denom : {2, 4, 8}) {
    const tjscalingfactor f{1, denom};
    if (TJSCALED(w, f) >= min_w && TJSCALED(h, f) >= min_h) best = f;
  }
  return best;
}

// Everything between setjmp and the end lives in `d`, `err` and `out`, which
// the caller owns, so a longjmp out of libjpeg skips no destructor.
enum class Stage { kHeader, kRows, kFinish };

bool RunLibjpeg(jpeg_decompress_struct* d, ErrorManager* err, const HeaderInfo& h,
                tjscalingfactor sf, PixelBuffer* out, Stage* stage) {
  if (setjmp(err->jump)) return false;
  *stage = Stage::kHeader;
  jpeg_read_header(d, TRUE);
  err->damaged_rows.assign(d->total_iMCU_rows, 0);
  if (int(d->image_width) != h.probe.width || int(d->image_height) != h.probe.height) {
    std::snprintf(err->fatal, sizeof(err->fatal), "inconsistent frame headers");
    return false;
  }
  const bool cmyk = d->jpeg_color_space == JCS_CMYK || d->jpeg_color_space == JCS_YCCK;
  d->out_color_space = cmyk ? JCS_CMYK : JCS_RGB;
  d->scale_num = unsigned(sf.num);
  d->scale_denom = unsigned(sf.denom);
  jpeg_calc_output_dimensions(d);
  if (int(d->output_width) != out->width || int(d->output_height) != out->height ||
      d->output_components != out->channels) {
    std::snprintf(err->fatal, sizeof(err->fatal), "unexpected output size");
    return false;
  }
  jpeg_start_decompress(d);
  *stage = Stage::kRows;
  while (d->output_scanline < d->output_height) {
    JSAMPROW row = out->row(int(d->output_scanline));
    if (jpeg_read_scanlines(d, &row, 1) != 1) {
      std::snprintf(err->fatal, sizeof(err->fatal), "no progress while reading rows");
      return false;
    }
  }
  *stage = Stage::kFinish;
  jpeg_finish_decompress(d);
  return true;
}

}  // namespace

Size JpegOutputSize(int width, int height, int min_width, int min_height) {
  tjscalingfactor sf = ChooseScale(width, height, min_width, min_height);
  return {TJSCALED(width, sf), TJSCALED(height, sf)};
}

Result<PixelBuffer> DecodeJpeg(std::string_view bytes, const HeaderInfo& h, int min_width,
                               int min_height, std::vector<std::string>* warnings) {
  if (h.jpeg_lossless) {
    return Status::Error(ErrorCode::kUnsupportedFormat, "lossless JPEG is not supported");
  }
  if (h.jpeg_precision != 8) {
    return Status::Error(ErrorCode::kUnsupportedFormat,
                         std::to_string(h.jpeg_precision) + "-bit JPEG is not supported");
  }
  const tjscalingfactor sf = ChooseScale(h.probe.width, h.probe.height, min_width, min_height);
  const bool cmyk = h.jpeg_components == 4;
  EDGEPIX_ASSIGN_OR_RETURN(
      auto buf, PixelBuffer::Allocate(TJSCALED(h.probe.width, sf), TJSCALED(h.probe.height, sf),
                                      cmyk ? 4 : 3));

  JpegCoefArrays coef_arrays;  // outlives d: jpeg_destroy_decompress unmaps through it
  jpeg_decompress_struct d;
  ErrorManager err;
  d.err = jpeg_std_error(&err.pub);
  err.pub.error_exit = OnError;
  err.pub.emit_message = OnMessage;
  jpeg_progress_mgr progress;
  progress.progress_monitor = OnProgress;
  jpeg_create_decompress(&d);
  coef_arrays.Install(&d);
  d.progress = &progress;
  jpeg_mem_src(&d, reinterpret_cast<const unsigned char*>(bytes.data()),
               static_cast<unsigned long>(bytes.size()));
  Stage stage = Stage::kHeader;
  const bool ok = RunLibjpeg(&d, &err, h, sf, &buf, &stage);
  jpeg_destroy_decompress(&d);

  std::vector<std::string> found;
  for (int i = 0; i < err.kept; ++i) found.emplace_back(err.warnings[i]);
  if (err.dropped > 0) found.push_back(std::to_string(err.dropped) + " more libjpeg warnings");
  if (!ok) {
    // A fatal error after every row was out (in the trailing markers) costs
    // nothing that shows: keep the image, as a browser would.
    if (stage != Stage::kFinish) return JpegError(err.fatal);
    found.emplace_back(err.fatal);
  }
  if (err.damaged) {
    const size_t rows = std::max<size_t>(1, err.damaged_rows.size());
    const size_t bad = size_t(std::count(err.damaged_rows.begin(), err.damaged_rows.end(), 1));
    const double good = 1.0 - double(bad) / double(rows);
    const int percent = static_cast<int>(good * 100.0);
    if (good < kMinGoodRows) {
      std::string why = found.empty() ? std::string("damaged data") : found.front();
      return Status::Error(ErrorCode::kUndecodable, "JPEG: corrupt or truncated data: " + why +
                                                        " (only " + std::to_string(percent) +
                                                        "% of its rows decode, under half)");
    }
    if (bad > 0) {
      found.push_back("JPEG: damaged or truncated data; " + std::to_string(percent) +
                      "% of its rows decode, the rest is filled in as libjpeg does");
    }
  }
  if (warnings) warnings->insert(warnings->end(), found.begin(), found.end());
  if (cmyk) return CmykToRgb(buf.pixels(), buf.width, buf.height, h.icc, h.jpeg_adobe);
  return buf;
}

}  // namespace edgepix::image
