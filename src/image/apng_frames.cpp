#include "image/apng_frames.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "image/bytes.h"
#include "image/decode.h"
#include "image/header.h"
#include "image/png_crc.h"

namespace edgepix::image {
namespace {

Status Bad(const std::string& why) {
  return Status::Error(ErrorCode::kUndecodable, "APNG: " + why);
}

void PutBe32(std::string& out, uint32_t v) {
  out.push_back(char(v >> 24));
  out.push_back(char(v >> 16));
  out.push_back(char(v >> 8));
  out.push_back(char(v));
}

// Appends one chunk: length, type, data, CRC over type and data.
void PutChunk(std::string& out, std::string_view type, std::string_view data) {
  PutBe32(out, uint32_t(data.size()));
  const size_t start = out.size();
  out.append(type);
  out.append(data);
  PutBe32(out, PngCrc32(std::string_view(out).substr(start)));
}

Result<ApngFrames::Frame> ParseFctl(std::string_view d, int canvas_w, int canvas_h) {
  if (d.size() != 26) return Bad("fcTL chunk of " + std::to_string(d.size()) + " bytes");
  ApngFrames::Frame f;
  const uint32_t w = Be32(d, 4), h = Be32(d, 8), x = Be32(d, 12), y = Be32(d, 16);
  if (w == 0 || h == 0 || x > uint32_t(canvas_w) || y > uint32_t(canvas_h) ||
      w > uint32_t(canvas_w) - x || h > uint32_t(canvas_h) - y) {
    return Bad("a frame lies outside the canvas");
  }
  f.width = int(w);
  f.height = int(h);
  f.x = int(x);
  f.y = int(y);
  const int num = Be16(d, 20), den = Be16(d, 22) == 0 ? 100 : Be16(d, 22);
  f.delay_ms = int(std::lround(1000.0 * num / den));
  f.dispose = U8(d, 24);
  f.blend = U8(d, 25);
  if (f.dispose > 2 || f.blend > 1) return Bad("unknown dispose or blend operation");
  return f;
}

}  // namespace

Result<std::unique_ptr<ApngFrames>> ApngFrames::Open(std::string_view b) {
  auto a = std::unique_ptr<ApngFrames>(new ApngFrames());
  size_t p = 8;
  if (!Has(b, p, 8 + 13 + 4) || b.substr(p + 4, 4) != "IHDR") return Bad("no IHDR");
  a->ihdr_ = b.substr(p + 8, 13);
  const int cw = int(Be32(a->ihdr_, 0)), ch = int(Be32(a->ihdr_, 4));
  p += 25;
  bool have_actl = false, in_idat = false, idat_done = false;
  uint32_t sequence = 0;  // fcTL and fdAT number themselves 0, 1, 2, ...
  Frame* open = nullptr;  // the frame whose data chunks come next
  for (;;) {
    if (!Has(b, p, 8)) return Bad("truncated (no IEND chunk)");
    const uint32_t len = Be32(b, p);
    const std::string_view type = b.substr(p + 4, 4);
    if (len > 0x7FFFFFFFu || !Has(b, p + 8, size_t(len) + 4)) return Bad("truncated chunk");
    const std::string_view data = b.substr(p + 8, len);
    if (type != "IDAT" && in_idat) {
      in_idat = false;
      idat_done = true;
    }
    if (type == "IEND") break;
    if (type == "acTL" && len == 8) {
      have_actl = true;
      a->plays_ = int(std::min<uint32_t>(Be32(data, 4), 65535));
    } else if ((type == "PLTE" || type == "tRNS") && !idat_done && !in_idat) {
      a->copy_chunks_.push_back(b.substr(p, 12 + size_t(len)));
    } else if (type == "fcTL") {
      if (len < 4 || Be32(data, 0) != sequence++) return Bad("chunk sequence out of order");
      EDGEPIX_ASSIGN_OR_RETURN(auto f, ParseFctl(data, cw, ch));
      a->frames_.push_back(std::move(f));
      open = &a->frames_.back();
    } else if (type == "IDAT") {
      in_idat = true;
      // The default image is the first frame only when an fcTL came before it.
      if (open != nullptr) open->data.push_back(data);
    } else if (type == "fdAT") {
      if (len < 4) return Bad("fdAT chunk without a sequence number");
      if (open == nullptr) return Bad("fdAT chunk before any fcTL");
      if (Be32(data, 0) != sequence++) return Bad("chunk sequence out of order");
      open->data.push_back(data.substr(4));
    }
    p += 12 + size_t(len);
  }
  if (!have_actl) return Bad("no acTL chunk");
  if (a->frames_.empty()) return Bad("no frame");
  for (const Frame& f : a->frames_) {
    if (f.data.empty()) return Bad("a frame without image data");
  }
  if (a->frames_[0].dispose == 2) a->frames_[0].dispose = 1;
  EDGEPIX_ASSIGN_OR_RETURN(auto canvas, PixelBuffer::Allocate(cw, ch, 4));
  std::memset(canvas.pixels(), 0, canvas.size());
  a->canvas_ = std::move(canvas);
  return a;
}

Status ApngFrames::Dispose() {
  if (next_ == 0) return Status::Ok();
  const Frame& f = frames_[next_ - 1];
  if (f.dispose == 0) return Status::Ok();
  for (int y = f.y; y < f.y + f.height; ++y) {
    uint8_t* row = canvas_.row(y) + size_t(f.x) * 4;
    if (f.dispose == 1) {
      std::memset(row, 0, size_t(f.width) * 4);
    } else {
      std::memcpy(row, saved_.row(y) + size_t(f.x) * 4, size_t(f.width) * 4);
    }
  }
  if (f.dispose == 2) saved_ = PixelBuffer();
  return Status::Ok();
}

Result<bool> ApngFrames::Next() {
  if (next_ >= frames_.size()) return false;
  EDGEPIX_RETURN_IF_ERROR(Dispose());
  const Frame& f = frames_[next_];
  if (f.dispose == 2) {
    EDGEPIX_ASSIGN_OR_RETURN(auto copy, PixelBuffer::Allocate(canvas_.width, canvas_.height, 4));
    std::memcpy(copy.pixels(), canvas_.pixels(), canvas_.size());
    saved_ = std::move(copy);
  }
  // The frame as a PNG of its own.
  std::string png("\x89PNG\r\n\x1a\n", 8);
  std::string ihdr(ihdr_);
  for (int i = 0; i < 4; ++i) {
    ihdr[i] = char(uint32_t(f.width) >> (24 - 8 * i));
    ihdr[4 + i] = char(uint32_t(f.height) >> (24 - 8 * i));
  }
  PutChunk(png, "IHDR", ihdr);
  for (std::string_view chunk : copy_chunks_) png.append(chunk);
  for (std::string_view part : f.data) PutChunk(png, "IDAT", part);
  PutChunk(png, "IEND", {});
  EDGEPIX_ASSIGN_OR_RETURN(auto header, ReadHeader(png, /*want_metadata=*/false));
  EDGEPIX_ASSIGN_OR_RETURN(auto pixels, DecodePng(png, header, f.width, f.height));
  if (pixels.width != f.width || pixels.height != f.height) {
    return Bad("a frame decoded to another size");
  }
  const int ch = pixels.channels;
  for (int y = 0; y < f.height; ++y) {
    const uint8_t* src = pixels.row(y);
    uint8_t* dst = canvas_.row(f.y + y) + size_t(f.x) * 4;
    for (int x = 0; x < f.width; ++x, src += ch, dst += 4) {
      const int sa = ch == 4 ? src[3] : 255;
      if (f.blend == 0 || sa == 255) {
        dst[0] = src[0];
        dst[1] = src[1];
        dst[2] = src[2];
        dst[3] = uint8_t(sa);
      } else if (sa > 0) {
        // Non-premultiplied "over": out_a = sa + da (1 - sa); colour weighted.
        const int da = dst[3];
        const int oa = sa * 255 + da * (255 - sa);  // x 255
        for (int c = 0; c < 3; ++c) {
          const int v = (src[c] * sa * 255 + dst[c] * da * (255 - sa) + oa / 2) / oa;
          dst[c] = uint8_t(v);
        }
        dst[3] = uint8_t((oa + 127) / 255);
      }
    }
  }
  delay_ms_ = f.delay_ms;
  ++next_;
  return true;
}

}  // namespace edgepix::image
