// Blob names: which image ids and variant names may become paths.
//
// The rules are IsValidImageId and IsValidVariantName (common/name_rules.h).
// Anything else (dots, slashes, percent signs, NUL, empty) is kBadRequest, so
// no client-supplied string ever reaches the filesystem unchecked. Thread-safe.
#pragma once

#include <string>

#include "common/status.h"

namespace edgepix {

Status ValidateImageId(const std::string& id);
Status ValidateVariantName(const std::string& name);

}  // namespace edgepix
