// libheif, opened the one way edgepix uses it: a context over bytes the caller
// keeps alive, the primary image's handle, libheif's own size limit set and
// tile decoding kept on the calling thread.
//
// Promises: every libheif object is released by RAII; libheif errors become
// kUndecodable (damaged or truncated data) or kUnsupportedFormat (a codec or
// feature libheif 1.15 has no decoder for: VVC, uncompressed, "mini" files).
// Thread-safe: each call makes its own context; heif_init runs once.
// Lifetimes: `bytes` must outlive the returned HeifPrimary.
#pragma once

#include <libheif/heif.h>

#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace edgepix::image {

struct HeifContextDeleter {
  void operator()(heif_context* c) const { heif_context_free(c); }
};
struct HeifHandleDeleter {
  void operator()(heif_image_handle* h) const { heif_image_handle_release(h); }
};
struct HeifImageDeleter {
  void operator()(heif_image* i) const { heif_image_release(i); }
};
using HeifImagePtr = std::unique_ptr<heif_image, HeifImageDeleter>;

struct HeifPrimary {
  std::unique_ptr<heif_context, HeifContextDeleter> context;
  std::unique_ptr<heif_image_handle, HeifHandleDeleter> handle;
};

// libheif refuses any image item with a side of this or more before decoding
// (its only security limit in 1.15); Limits.max_side is checked by us too.
constexpr int kHeifMaxSide = 65536;

Result<HeifPrimary> OpenHeifPrimary(std::string_view bytes);

// A libheif error as our Status, prefixed with what was being done.
Status HeifStatus(const heif_error& err, const std::string& doing);

}  // namespace edgepix::image
