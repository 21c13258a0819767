// libwebp encoder wrapper.

#include "image/encode_webp.h"

#include <webp/encode.h>

#include <algorithm>
#include <memory>

namespace edgepix::image {
namespace {

struct PictureFree {
  void operator()(WebPPicture* p) const { WebPPictureFree(p); }
};
struct WriterClear {
  void operator()(WebPMemoryWriter* w) const { WebPMemoryWriterClear(w); }
};

}  // namespace

void ClearHiddenColour(PixelBuffer& px) {
  if (px.channels != 4) return;
  uint8_t* p = px.pixels();
  size_t n = size_t(px.width) * px.height;
  for (size_t i = 0; i < n; ++i, p += 4) {
    if (p[3] == 0) p[0] = p[1] = p[2] = 0;
  }
}

Result<std::string> EncodeWebp(const PixelBuffer& px, int quality, int method) {
  WebPConfig config;
  if (!WebPConfigInit(&config)) return Status::Error(ErrorCode::kInternal, "WebP: bad version");
  config.quality = static_cast<float>(std::clamp(quality, 0, 100));
  config.method = std::clamp(method, 0, 6);
  config.thread_level = 0;
  if (!WebPValidateConfig(&config)) {
    return Status::Error(ErrorCode::kInternal, "WebP: invalid encoder configuration");
  }
  WebPPicture pic_storage;
  if (!WebPPictureInit(&pic_storage)) return Status::Error(ErrorCode::kInternal, "WebP: init");
  std::unique_ptr<WebPPicture, PictureFree> pic(&pic_storage);
  pic->width = px.width;
  pic->height = px.height;
  pic->use_argb = 0;
  int ok = px.channels == 4
               ? WebPPictureImportRGBA(pic.get(), px.pixels(), static_cast<int>(px.stride()))
               : WebPPictureImportRGB(pic.get(), px.pixels(), static_cast<int>(px.stride()));
  if (!ok) return Status::Error(ErrorCode::kInternal, "WebP: cannot import pixels");
  WebPMemoryWriter writer_storage;
  WebPMemoryWriterInit(&writer_storage);
  std::unique_ptr<WebPMemoryWriter, WriterClear> writer(&writer_storage);
  pic->writer = WebPMemoryWrite;
  pic->custom_ptr = writer.get();
  if (!WebPEncode(&config, pic.get())) {
    return Status::Error(ErrorCode::kInternal,
                         "WebP: encoding failed (error " + std::to_string(pic->error_code) + ")");
  }
  return std::string(reinterpret_cast<const char*>(writer->mem), writer->size);
}

}  // namespace edgepix::image
