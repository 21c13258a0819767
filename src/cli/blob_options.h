// The --blobs-* flags of `edgepix serve`: where originals and variants live.
// Default: the local disk under --data. With --blobs-url s3://BUCKET/PREFIX?
// endpoint=http://HOST:PORT&region=R an S3-compatible bucket
// (storage/s3_blob_store.h), with credentials from --blobs-credentials-file or
// the environment variables EDGEPIX_S3_ACCESS_KEY / EDGEPIX_S3_SECRET_KEY.
// Pure parsing (plus reading the credentials file); thread-compatible.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cli/options.h"
#include "common/status.h"
#include "storage/s3_blob_store.h"

namespace edgepix::cli {

// --blobs-url, --blobs-credentials-file, --blobs-grace-seconds (read by
// `edgepix serve` itself: jobs/orphan_sweep.h).
std::vector<OptionDef> BlobOptionDefs();
// nullopt when --blobs-url is unset. kBadRequest for a malformed URL or
// missing credentials. `env` is the process environment. `url_flag` names
// the flag holding the URL (`edgepix migrate` calls it --to-blobs).
Result<std::optional<S3BlobConfig>> BlobsConfigFrom(const ParsedOptions& parsed,
                                                    const std::map<std::string, std::string>& env,
                                                    const std::string& url_flag = "blobs-url");
// --blobs-grace-seconds in seconds (0 .. 2^40); kBadRequest naming the flag
// for anything else.
Result<int64_t> BlobsGraceSecondsFrom(const ParsedOptions& parsed);

}  // namespace edgepix::cli
