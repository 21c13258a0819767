// Blob names: which image ids and variant names may become paths.
//
// An image id is 8..64 characters of [A-Za-z0-9_-]; a variant name is 1..32
// characters of [a-z0-9_-]. Anything else (dots, slashes, percent signs, NUL,
// empty) is kBadRequest, so no client-supplied string ever reaches the
// filesystem unchecked.
#pragma once

#include <string>

#include "common/status.h"

namespace edgepix {

Status ValidateImageId(const std::string& id);
Status ValidateVariantName(const std::string& name);

}  // namespace edgepix
