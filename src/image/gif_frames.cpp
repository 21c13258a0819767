// GifFrames over giflib's record-level API (DGifGetRecordType, DGifGetLine):
// DGifSlurp would hold every frame's raster at once.

#include "image/gif_frames.h"

#include <gif_lib.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

namespace edgepix::image {
namespace {

struct Source {
  std::string_view bytes;
  size_t pos = 0;
};

int ReadFromMemory(GifFileType* gif, GifByteType* out, int n) {
  auto* src = static_cast<Source*>(gif->UserData);
  size_t take = std::min<size_t>(size_t(std::max(n, 0)), src->bytes.size() - src->pos);
  std::memcpy(out, src->bytes.data() + src->pos, take);
  src->pos += take;
  return static_cast<int>(take);
}

Status GifError(const char* what, int code) {
  const char* why = GifErrorString(code);
  return Status::Error(ErrorCode::kUndecodable,
                       std::string("GIF: ") + what + " (" + (why ? why : "unknown error") + ")");
}

// Rows of an interlaced frame arrive in four passes: every 8th row from 0,
// every 8th from 4, every 4th from 2, every 2nd from 1.
int InterlacedRow(int i, int height) {
  static constexpr int kStart[4] = {0, 4, 2, 1};
  static constexpr int kStep[4] = {8, 8, 4, 2};
  for (int pass = 0; pass < 4; ++pass) {
    int rows = kStart[pass] < height ? (height - kStart[pass] + kStep[pass] - 1) / kStep[pass] : 0;
    if (i < rows) return kStart[pass] + i * kStep[pass];
    i -= rows;
  }
  return height - 1;  // unreachable for 0 <= i < height
}

}  // namespace

const std::array<uint8_t, 256 * 3>& DefaultGifPalette() {
  static const std::array<uint8_t, 256 * 3> palette = [] {
    std::array<uint8_t, 256 * 3> p{};
    for (int i = 0; i < 256; ++i) p[3 * i] = p[3 * i + 1] = p[3 * i + 2] = uint8_t(i);
    return p;
  }();
  return palette;
}

struct GifFrames::Impl {
  Source source;
  GifFileType* gif = nullptr;
  std::vector<GifPixelType> row;
  ~Impl() {
    int err = 0;
    if (gif) DGifCloseFile(gif, &err);
  }
};

GifFrames::GifFrames(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
GifFrames::~GifFrames() = default;

Result<std::unique_ptr<GifFrames>> GifFrames::Open(std::string_view bytes) {
  auto impl = std::make_unique<Impl>();
  impl->source.bytes = bytes;
  int err = 0;
  impl->gif = DGifOpen(&impl->source, ReadFromMemory, &err);
  if (!impl->gif) return GifError("cannot read the header", err);
  const int w = impl->gif->SWidth, h = impl->gif->SHeight;
  if (w <= 0 || h <= 0) return Status::Error(ErrorCode::kUndecodable, "GIF: empty screen");
  std::unique_ptr<GifFrames> frames(new GifFrames(std::move(impl)));
  EDGEPIX_ASSIGN_OR_RETURN(auto canvas, PixelBuffer::Allocate(w, h, 4));
  frames->canvas_ = std::move(canvas);
  std::memset(frames->canvas_.pixels(), 0, frames->canvas_.size());
  return frames;
}

Status GifFrames::ReadExtension() {
  GifFileType* gif = impl_->gif;
  int code = 0;
  GifByteType* block = nullptr;
  if (DGifGetExtension(gif, &code, &block) == GIF_ERROR) {
    return GifError("cannot read an extension", gif->Error);
  }
  bool netscape = false;
  for (bool first = true; block != nullptr; first = false) {
    if (code == GRAPHICS_EXT_FUNC_CODE && first) {
      GraphicsControlBlock gcb;
      if (DGifExtensionToGCB(block[0], block + 1, &gcb) == GIF_OK) {
        pending_.delay_ms = gcb.DelayTime * 10;
        pending_.disposal = std::clamp(gcb.DisposalMode, 0, 3);
        transparent_ = gcb.TransparentColor;
      }
    } else if (code == APPLICATION_EXT_FUNC_CODE && first) {
      netscape = block[0] == 11 && (std::memcmp(block + 1, "NETSCAPE2.0", 11) == 0 ||
                                    std::memcmp(block + 1, "ANIMEXTS1.0", 11) == 0);
    } else if (netscape && block[0] >= 3 && block[1] == 1) {
      loop_count_ = block[2] | (block[3] << 8);
      netscape = false;
    }
    if (DGifGetExtensionNext(gif, &block) == GIF_ERROR) {
      return GifError("cannot read an extension", gif->Error);
    }
  }
  return Status::Ok();
}

Status GifFrames::DisposePrevious() {
  if (!any_frame_) return Status::Ok();
  const int disposal = frame_.disposal;
  if (disposal == 2) {
    for (int y = prev_top_; y < prev_bottom_; ++y) {
      std::memset(canvas_.row(y) + size_t(prev_left_) * 4, 0, size_t(prev_right_ - prev_left_) * 4);
    }
  } else if (disposal == 3 && saved_.data) {
    std::memcpy(canvas_.pixels(), saved_.pixels(), canvas_.size());
  }
  return Status::Ok();
}

Status GifFrames::DrawFrame() {
  GifFileType* gif = impl_->gif;
  if (DGifGetImageDesc(gif) == GIF_ERROR) {
    return GifError("cannot read an image descriptor", gif->Error);
  }
  const GifImageDesc& d = gif->Image;
  const int fw = d.Width, fh = d.Height;
  const ColorMapObject* map = d.ColorMap ? d.ColorMap : gif->SColorMap;
  const uint8_t* palette = DefaultGifPalette().data();
  int colours = 256;
  std::vector<uint8_t> table;
  if (map && map->Colors && map->ColorCount > 0) {
    colours = std::min(map->ColorCount, 256);
    table.resize(size_t(colours) * 3);
    for (int i = 0; i < colours; ++i) {
      table[3 * i] = map->Colors[i].Red;
      table[3 * i + 1] = map->Colors[i].Green;
      table[3 * i + 2] = map->Colors[i].Blue;
    }
    palette = table.data();
  }
  EDGEPIX_RETURN_IF_ERROR(DisposePrevious());
  frame_ = pending_;
  const int transparent = transparent_;
  pending_ = GifFrameInfo{};
  transparent_ = -1;
  if (frame_.disposal == 3) {
    if (!saved_.data) {
      EDGEPIX_ASSIGN_OR_RETURN(auto saved, PixelBuffer::Allocate(canvas_.width, canvas_.height, 4));
      saved_ = std::move(saved);
    }
    std::memcpy(saved_.pixels(), canvas_.pixels(), canvas_.size());
  }
  const int left = std::min(int(d.Left), canvas_.width), top = std::min(int(d.Top), canvas_.height);
  const int right = std::min(d.Left + fw, canvas_.width);
  const int bottom = std::min(d.Top + fh, canvas_.height);
  prev_left_ = left;
  prev_top_ = top;
  prev_right_ = std::max(left, right);
  prev_bottom_ = std::max(top, bottom);
  any_frame_ = true;
  if (fw <= 0 || fh <= 0) {
    // Nothing to draw; skip the (empty) image data.
    int size = 0;
    GifByteType* block = nullptr;
    if (DGifGetCode(gif, &size, &block) == GIF_ERROR) {
      return GifError("cannot read frame data", gif->Error);
    }
    while (block != nullptr) {
      if (DGifGetCodeNext(gif, &block) == GIF_ERROR) {
        return GifError("cannot read frame data", gif->Error);
      }
    }
    return Status::Ok();
  }
  impl_->row.resize(size_t(fw));
  GifPixelType* row = impl_->row.data();
  for (int i = 0; i < fh; ++i) {
    if (DGifGetLine(gif, row, fw) == GIF_ERROR) {
      return GifError("corrupt or truncated frame data", gif->Error);
    }
    const int y = d.Top + (d.Interlace ? InterlacedRow(i, fh) : i);
    if (y >= canvas_.height) continue;
    uint8_t* out = canvas_.row(y);
    for (int x = left; x < right; ++x) {
      const int index = row[x - d.Left];
      if (index == transparent || index >= colours) continue;
      uint8_t* px = out + size_t(x) * 4;
      std::memcpy(px, palette + 3 * index, 3);
      px[3] = 255;
    }
  }
  return Status::Ok();
}

Result<bool> GifFrames::Next() {
  GifFileType* gif = impl_->gif;
  for (;;) {
    GifRecordType type = UNDEFINED_RECORD_TYPE;
    if (DGifGetRecordType(gif, &type) == GIF_ERROR) {
      // Junk after a complete frame ends the image, as browsers show it.
      if (any_frame_) return false;
      return GifError("cannot read the next block", gif->Error);
    }
    switch (type) {
      case IMAGE_DESC_RECORD_TYPE:
        EDGEPIX_RETURN_IF_ERROR(DrawFrame());
        return true;
      case EXTENSION_RECORD_TYPE:
        EDGEPIX_RETURN_IF_ERROR(ReadExtension());
        break;
      case TERMINATE_RECORD_TYPE:
        if (!any_frame_) return Status::Error(ErrorCode::kUndecodable, "GIF: no image data");
        return false;
      default:
        if (any_frame_) return false;
        return Status::Error(ErrorCode::kUndecodable, "GIF: unknown block type");
    }
  }
}

}  // namespace edgepix::image
