#include "storage/blob_names.h"

#include "common/name_rules.h"

namespace edgepix {

Status ValidateImageId(const std::string& id) {
  if (!IsValidImageId(id)) return Status::Error(ErrorCode::kBadRequest, "invalid image id");
  return Status::Ok();
}

Status ValidateVariantName(const std::string& name) {
  if (!IsValidVariantName(name)) {
    return Status::Error(ErrorCode::kBadRequest, "invalid variant name");
  }
  return Status::Ok();
}

}  // namespace edgepix
