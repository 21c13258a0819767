#include "storage/blob_names.h"

namespace edgepix {
namespace {

bool IsLowerAlnumOrDash(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

bool IsIdChar(char c) { return IsLowerAlnumOrDash(c) || (c >= 'A' && c <= 'Z'); }

template <typename Pred>
bool AllOf(const std::string& s, Pred pred) {
  for (char c : s) {
    if (!pred(c)) return false;
  }
  return true;
}

}  // namespace

Status ValidateImageId(const std::string& id) {
  if (id.size() < 8 || id.size() > 64 || !AllOf(id, IsIdChar)) {
    return Status::Error(ErrorCode::kBadRequest, "invalid image id");
  }
  return Status::Ok();
}

Status ValidateVariantName(const std::string& name) {
  if (name.empty() || name.size() > 32 || !AllOf(name, IsLowerAlnumOrDash)) {
    return Status::Error(ErrorCode::kBadRequest, "invalid variant name");
  }
  return Status::Ok();
}

}  // namespace edgepix
