// OpenHeifPrimary and the mapping of libheif errors.

#include "image/heif_file.h"

#include <mutex>

#include "image/pipeline.h"

namespace edgepix::image {

bool HeifSupported() { return true; }

Status HeifStatus(const heif_error& err, const std::string& doing) {
  std::string msg = "HEIF: " + doing + ": " + (err.message ? err.message : "error");
  // No decoder in this libheif for the item's codec (VVC, uncompressed,
  // JPEG 2000...), or a file layout it does not read yet.
  if (err.code == heif_error_Unsupported_feature || err.code == heif_error_Unsupported_filetype ||
      err.subcode == heif_suberror_Unsupported_codec) {
    return Status::Error(ErrorCode::kUnsupportedFormat, msg);
  }
  // Everything else, allocation failures included, is what hostile or damaged
  // input causes: libheif reports its size checks as allocation errors too.
  return Status::Error(ErrorCode::kUndecodable, msg);
}

Result<HeifPrimary> OpenHeifPrimary(std::string_view bytes) {
  // Loads the built-in codec plugins; never undone (other threads may decode).
  static std::once_flag init_once;
  std::call_once(init_once, [] { heif_init(nullptr); });
  HeifPrimary p;
  p.context.reset(heif_context_alloc());
  if (!p.context) return Status::Error(ErrorCode::kInternal, "HEIF: cannot allocate a context");
  heif_context_set_maximum_image_size_limit(p.context.get(), kHeifMaxSide);
  // 0 = tiles are decoded on the calling thread (1 would start one helper
  // thread per image): a 48-tile photo then takes one core, the worker's own.
  heif_context_set_max_decoding_threads(p.context.get(), 0);
  heif_error err = heif_context_read_from_memory_without_copy(p.context.get(), bytes.data(),
                                                              bytes.size(), nullptr);
  if (err.code != heif_error_Ok) return HeifStatus(err, "cannot read the file structure");
  heif_image_handle* handle = nullptr;
  err = heif_context_get_primary_image_handle(p.context.get(), &handle);
  if (err.code != heif_error_Ok) return HeifStatus(err, "no primary image");
  p.handle.reset(handle);
  return p;
}

}  // namespace edgepix::image
