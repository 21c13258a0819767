// The inputs of `edgepix process` and where each one's variants go.
//
// CollectInputs expands directories (recursively, files with an image
// extension: .jpg .jpeg .png .gif .bmp .webp .heic .heif .hif .avif in any
// case, sorted by path, the output directory skipped so a second run does not eat the first one's WebP
// files) and keeps file arguments as given, in order; an argument that does not
// exist is kept too, so it is reported as a failed input. OutputNames gives
// each input a distinct directory name under --out: the file's stem, then
// "stem-2", "stem-3", ... for later inputs with the same stem (a/x.jpg and
// b/x.webp no longer write into one directory). Pure functions apart from
// reading the directory tree; thread-compatible.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace edgepix::cli {

Result<std::vector<std::string>> CollectInputs(const std::vector<std::string>& args,
                                               const std::string& out_dir);
std::vector<std::string> OutputNames(const std::vector<std::string>& inputs);

}  // namespace edgepix::cli
