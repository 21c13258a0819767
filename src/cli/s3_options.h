// The --s3-* flags of `edgepix serve`: whether the S3-compatible listener runs
// (--s3-listen), with which credentials and buckets. Pure parsing (plus
// reading --s3-credentials-file); thread-compatible.
#pragma once

#include <optional>
#include <vector>

#include "cli/options.h"
#include "common/status.h"
#include "s3/s3_server.h"

namespace edgepix::cli {

std::vector<OptionDef> S3OptionDefs();
// nullopt when --s3-listen is not set. kBadRequest for a listen address
// without credentials, a malformed credentials file or variant-key template.
Result<std::optional<s3::S3Options>> S3OptionsFrom(const ParsedOptions& parsed);

}  // namespace edgepix::cli
