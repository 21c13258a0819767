// PNG decoding through libpng, one row at a time. Rows come out as 8-bit RGB
// or RGBA (palette, grey, tRNS and 16-bit samples converted by libpng as each
// row is read) and, for non-interlaced images, are box-averaged into an
// accumulator row that emits one output row every k input rows: the decode
// holds the shrunk image and a few rows, never the whole image (the way
// libvips shrinks on load). Alpha-weighted, so transparent colour does not
// bleed into visible pixels.
//
// libpng reports errors by longjmp: the functions that call it keep only
// trivially destructible locals, and everything owned lives in PngDecode.

#include <png.h>

#include <algorithm>
#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "image/decode.h"

namespace edgepix::image {
namespace {

struct PngDecode {
  std::string_view bytes;
  size_t pos = 0;
  char error[256] = "unknown error";
  png_structp png = nullptr;
  png_infop info = nullptr;
  ~PngDecode() { png_destroy_read_struct(&png, info ? &info : nullptr, nullptr); }
};

void OnError(png_structp png, png_const_charp msg) {
  auto* d = static_cast<PngDecode*>(png_get_error_ptr(png));
  std::snprintf(d->error, sizeof d->error, "%s", msg);
  png_longjmp(png, 1);
}

void OnWarning(png_structp, png_const_charp) {}  // ancillary-chunk trouble: ignored

void OnRead(png_structp png, png_bytep out, png_size_t n) {
  auto* d = static_cast<PngDecode*>(png_get_io_ptr(png));
  if (n > d->bytes.size() - d->pos) png_error(png, "truncated data");
  std::memcpy(out, d->bytes.data() + d->pos, n);
  d->pos += n;
}

// Reads the header and sets the 8-bit RGB(A) transforms. Returns channels
// (3 or 4), or 0 after an error.
int Start(PngDecode* d) {
  if (setjmp(png_jmpbuf(d->png))) return 0;
  png_set_read_fn(d->png, d, OnRead);
  png_set_user_limits(d->png, 0x7FFFFFFF, 0x7FFFFFFF);  // ReadHeader checked the limits
  png_read_info(d->png, d->info);
  int color = png_get_color_type(d->png, d->info);
  png_set_scale_16(d->png);
  png_set_packing(d->png);
  if (color == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(d->png);
  if (color == PNG_COLOR_TYPE_GRAY && png_get_bit_depth(d->png, d->info) < 8) {
    png_set_expand_gray_1_2_4_to_8(d->png);
  }
  if (png_get_valid(d->png, d->info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(d->png);
  if (color == PNG_COLOR_TYPE_GRAY || color == PNG_COLOR_TYPE_GRAY_ALPHA) {
    png_set_gray_to_rgb(d->png);
  }
  png_set_interlace_handling(d->png);
  png_read_update_info(d->png, d->info);
  return png_get_channels(d->png, d->info);
}

// Reads every row of a non-interlaced image into `row`, calling sink after each.
template <typename Sink>
bool ReadRows(PngDecode* d, uint8_t* row, int height, Sink* sink) {
  if (setjmp(png_jmpbuf(d->png))) return false;
  for (int y = 0; y < height; ++y) {
    png_read_row(d->png, row, nullptr);
    (*sink)(row, y);
  }
  return true;
}

bool ReadImage(PngDecode* d, png_bytepp rows) {
  if (setjmp(png_jmpbuf(d->png))) return false;
  png_read_image(d->png, rows);
  return true;
}

// Box-shrinks rows by k into out: each output pixel averages a k x k block
// (smaller at the right and bottom edges).
class Shrinker {
 public:
  Shrinker(PixelBuffer* out, int in_width, int k)
      : out_(out),
        in_width_(in_width),
        k_(k),
        ch_(out->channels),
        sums_(size_t(out->width) * ch_, 0) {}

  void operator()(const uint8_t* row, int y) {
    for (int x = 0; x < in_width_; ++x) {
      uint64_t* s = &sums_[size_t(x / k_) * ch_];
      const uint8_t* p = row + size_t(x) * ch_;
      if (ch_ == 4) {
        s[0] += uint64_t(p[0]) * p[3], s[1] += uint64_t(p[1]) * p[3];
        s[2] += uint64_t(p[2]) * p[3], s[3] += p[3];
      } else {
        s[0] += p[0], s[1] += p[1], s[2] += p[2];
      }
    }
    int oy = y / k_;
    bool last = y + 1 == (oy + 1) * k_ || y + 1 == in_height_;
    if (last) Emit(oy, y - oy * k_ + 1);
  }
  void set_height(int h) { in_height_ = h; }

 private:
  void Emit(int oy, int rows) {
    uint8_t* d = out_->row(oy);
    for (int ox = 0; ox < out_->width; ++ox, d += ch_) {
      uint64_t* s = &sums_[size_t(ox) * ch_];
      uint64_t n = uint64_t(std::min(k_, in_width_ - ox * k_)) * rows;
      if (ch_ == 4) {
        uint64_t a = s[3];
        for (int c = 0; c < 3; ++c) d[c] = a ? uint8_t((s[c] + a / 2) / a) : 0;
        d[3] = uint8_t((a + n / 2) / n);
      } else {
        for (int c = 0; c < 3; ++c) d[c] = uint8_t((s[c] + n / 2) / n);
      }
    }
    std::fill(sums_.begin(), sums_.end(), 0);
  }

  PixelBuffer* out_;
  int in_width_, in_height_ = 0, k_, ch_;
  std::vector<uint64_t> sums_;
};

}  // namespace

Result<PixelBuffer> DecodePng(std::string_view bytes, const HeaderInfo& h, int min_width,
                              int min_height) {
  auto bad = [](const std::string& why) {
    return Status::Error(ErrorCode::kUndecodable, "PNG: " + why);
  };
  PngDecode d;
  d.bytes = bytes;
  d.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &d, OnError, OnWarning);
  if (d.png) d.info = png_create_info_struct(d.png);
  if (!d.png || !d.info) return Status::Error(ErrorCode::kInternal, "PNG: libpng init failed");
  int channels = Start(&d);
  if (channels == 0) return bad(d.error);
  const int w = static_cast<int>(png_get_image_width(d.png, d.info));
  const int ht = static_cast<int>(png_get_image_height(d.png, d.info));
  if (w != h.probe.width || ht != h.probe.height || (channels != 3 && channels != 4) ||
      png_get_rowbytes(d.png, d.info) != size_t(w) * channels) {
    return bad("decoded layout differs from the header");
  }
  const bool interlaced = png_get_interlace_type(d.png, d.info) != PNG_INTERLACE_NONE;
  if (interlaced != h.png_interlaced) return bad("decoded layout differs from the header");

  const int k = PngShrinkFactor(h, min_width, min_height);
  if (k == 1) {  // full size (Adam7 fills rows pass by pass): straight into the output
    EDGEPIX_ASSIGN_OR_RETURN(auto out, PixelBuffer::Allocate(w, ht, channels));
    std::vector<png_bytep> rows(ht);
    for (int y = 0; y < ht; ++y) rows[y] = out.row(y);
    if (!ReadImage(&d, rows.data())) return bad(d.error);
    return out;
  }
  EDGEPIX_ASSIGN_OR_RETURN(auto out,
                           PixelBuffer::Allocate((w + k - 1) / k, (ht + k - 1) / k, channels));
  std::vector<uint8_t> row(size_t(w) * channels);
  Shrinker shrink(&out, w, k);
  shrink.set_height(ht);
  if (!ReadRows(&d, row.data(), ht, &shrink)) return bad(d.error);
  return out;
}

}  // namespace edgepix::image
