// The --s3-* flags of `edgepix serve`: whether the S3-compatible listener runs
// (--s3-listen), with which credentials and buckets. Pure parsing (plus
// reading --s3-credentials-file); thread-compatible.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cli/options.h"
#include "common/status.h"
#include "s3/s3_server.h"

namespace edgepix::cli {

std::vector<OptionDef> S3OptionDefs();
// One "ACCESS_KEY SECRET" (or ACCESS_KEY:SECRET) per line into *out; '#'
// starts a comment. Errors name `flag` (without dashes). Also read for
// --blobs-credentials-file (cli/blob_options.h).
Status ReadCredentialsFile(const std::string& flag, const std::string& path,
                           std::map<std::string, std::string>* out);
// nullopt when --s3-listen is not set. kBadRequest for a listen address
// without credentials, a malformed credentials file or variant-key template.
Result<std::optional<s3::S3Options>> S3OptionsFrom(const ParsedOptions& parsed);

}  // namespace edgepix::cli
