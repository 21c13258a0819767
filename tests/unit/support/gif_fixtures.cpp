#include "unit/support/gif_fixtures.h"

#include <gif_lib.h>

#include <memory>
#include <stdexcept>

namespace edgepix::testing {
namespace {

int Append(GifFileType* gif, const GifByteType* data, int n) {
  static_cast<std::string*>(gif->UserData)->append(reinterpret_cast<const char*>(data), size_t(n));
  return n;
}

struct MapDeleter {
  void operator()(ColorMapObject* m) const { GifFreeMapObject(m); }
};
using Map = std::unique_ptr<ColorMapObject, MapDeleter>;

Map MakeMap(const std::vector<uint8_t>& rgb) {
  if (rgb.empty()) return nullptr;
  int n = int(rgb.size() / 3);
  std::vector<GifColorType> colours(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) colours[i] = {rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2]};
  Map m(GifMakeMapObject(n, colours.data()));
  if (!m) throw std::runtime_error("GifMakeMapObject: palette size must be a power of two");
  return m;
}

void Check(int rc, GifFileType* gif, const char* what) {
  if (rc == GIF_ERROR) {
    throw std::runtime_error(std::string(what) + ": " + GifErrorString(gif->Error));
  }
}

}  // namespace

std::string MakeGifFrom(const GifSpec& spec) {
  std::string out;
  int err = 0;
  GifFileType* gif = EGifOpen(&out, Append, &err);
  if (!gif) throw std::runtime_error("EGifOpen failed");
  EGifSetGifVersion(gif, true);
  Map global = MakeMap(spec.palette);
  Check(EGifPutScreenDesc(gif, spec.width, spec.height, 8, 0, global.get()), gif, "screen");
  if (spec.loop_count >= 0) {
    Check(EGifPutExtensionLeader(gif, APPLICATION_EXT_FUNC_CODE), gif, "leader");
    Check(EGifPutExtensionBlock(gif, 11, "NETSCAPE2.0"), gif, "netscape");
    const GifByteType loops[3] = {1, GifByteType(spec.loop_count & 0xFF),
                                  GifByteType(spec.loop_count >> 8)};
    Check(EGifPutExtensionBlock(gif, 3, loops), gif, "loops");
    Check(EGifPutExtensionTrailer(gif), gif, "trailer");
  }
  for (const GifFrameSpec& f : spec.frames) {
    GraphicsControlBlock gcb{};
    gcb.DisposalMode = f.disposal;
    gcb.DelayTime = f.delay_cs;
    gcb.TransparentColor = f.transparent;
    GifByteType ext[4];
    size_t len = EGifGCBToExtension(&gcb, ext);
    Check(EGifPutExtension(gif, GRAPHICS_EXT_FUNC_CODE, int(len), ext), gif, "gce");
    Map local = MakeMap(f.local_palette);
    Check(EGifPutImageDesc(gif, f.left, f.top, f.width, f.height, f.interlace, local.get()), gif,
          "image");
    std::vector<int> order;
    if (f.interlace) {
      for (int pass = 0; pass < 4; ++pass) {
        static constexpr int kStart[4] = {0, 4, 2, 1}, kStep[4] = {8, 8, 4, 2};
        for (int y = kStart[pass]; y < f.height; y += kStep[pass]) order.push_back(y);
      }
    } else {
      for (int y = 0; y < f.height; ++y) order.push_back(y);
    }
    for (int y : order) {
      std::vector<GifPixelType> row(f.indices.begin() + size_t(y) * f.width,
                                    f.indices.begin() + size_t(y + 1) * f.width);
      Check(EGifPutLine(gif, row.data(), f.width), gif, "line");
    }
  }
  if (EGifCloseFile(gif, &err) == GIF_ERROR) throw std::runtime_error("EGifCloseFile failed");
  return out;
}

std::string StripGlobalPalette(const std::string& gif) {
  auto flags = uint8_t(gif.at(10));
  if (!(flags & 0x80)) return gif;
  size_t table = size_t(3) << ((flags & 7) + 1);
  std::string out = gif.substr(0, 13) + gif.substr(13 + table);
  out[10] = char(flags & 0x7F);
  return out;
}

std::string MakeAnimatedGif(int w, int h, int frames, int delay_cs) {
  GifSpec spec;
  spec.width = w;
  spec.height = h;
  spec.loop_count = 0;
  for (int i = 0; i < 256; ++i) {
    spec.palette.insert(spec.palette.end(),
                        {uint8_t(i), uint8_t(255 - i), uint8_t((i * 7) & 0xFF)});
  }
  for (int i = 0; i < frames; ++i) {
    GifFrameSpec f;
    f.width = w;
    f.height = h;
    f.delay_cs = delay_cs;
    f.indices.assign(size_t(w) * h, uint8_t((i * 37) & 0xFF));
    // A moving bar so consecutive frames differ beyond their flat colour.
    for (int y = 0; y < h; ++y)
      f.indices[size_t(y) * w + (i % w)] = uint8_t(255 - ((i * 37) & 0xFF));
    spec.frames.push_back(std::move(f));
  }
  return MakeGifFrom(spec);
}

}  // namespace edgepix::testing
