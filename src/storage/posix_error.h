// PosixError: errno -> Status, shared by the POSIX Env and the local blob store.
//
// ENOSPC and EDQUOT become kDiskFull, ENOENT becomes kNotFound where the
// caller asks for it, everything else kIoError. The message names the
// operation and the path and ends with strerror(errno).
#pragma once

#include <string>

#include "common/status.h"

namespace edgepix {

// `what` is e.g. "open", `path` the file concerned, `err` an errno value.
Status PosixError(const std::string& what, const std::string& path, int err,
                  bool missing_is_not_found = false);

// "<12 random hex digits>", unique enough for temp names in one directory.
std::string RandomSuffix();

}  // namespace edgepix
