// OpenHeifPrimary and the mapping of libheif errors.

#include "image/heif_file.h"

#include <libheif/heif_plugin.h>

#include <cstring>
#include <mutex>

#include "image/pipeline.h"

namespace edgepix::image {

bool HeifSupported() { return true; }

namespace {

// libheif 1.15's dav1d plugin leaks the AV1 payload it copied (dav1d_data_create)
// when dav1d rejects a stream, so each malformed AVIF upload would leave its
// bytes behind (fuzz_heif finds one in seconds). Its aom plugin frees on every
// path. The per-decode `decoder_id` option does not reach the alpha plane's
// decode in 1.15, so aom is registered again with a higher priority for AV1:
// every AV1 decode then takes it. The cost is a slower decode that holds more
// memory (bench/heif/RESULTS.md). libheif 1.15 hands out each decoder
// descriptor as its plugin; that is checked before the copy is trusted.
int PreferForAv1(enum heif_compression_format format) {
  return format == heif_compression_AV1 ? 1000 : 0;
}

void PreferAomForAv1() {
  const heif_decoder_descriptor* found[8];
  const int n = heif_get_decoder_descriptors(heif_compression_AV1, found, 8);
  for (int i = 0; i < n; ++i) {
    const char* id = heif_decoder_descriptor_get_id_name(found[i]);
    if (!id || std::strcmp(id, "aom") != 0) continue;
    const auto* plugin = reinterpret_cast<const heif_decoder_plugin*>(found[i]);
    if (plugin->plugin_api_version < 3 || plugin->id_name != id ||
        plugin->get_plugin_name() != heif_decoder_descriptor_get_name(found[i])) {
      return;  // not the layout this relies on: keep libheif's own choice
    }
    static heif_decoder_plugin preferred = *plugin;
    preferred.does_support_format = PreferForAv1;
    // On failure libheif keeps its own choice; nothing else depends on it.
    (void)heif_register_decoder_plugin(&preferred);
    return;
  }
}

}  // namespace

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
  std::call_once(init_once, [] {
    heif_init(nullptr);
    PreferAomForAv1();
  });
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
