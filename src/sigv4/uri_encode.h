// S3's URI encoding rules for SigV4 canonical requests.
//
// Promises: UriEncode follows AWS's UriEncode (unreserved A-Z a-z 0-9 - . _ ~
// kept, every other byte as %XX upper-case, '/' kept only when asked);
// PercentDecode never fails (a malformed escape stays literal bytes).
// Pure functions, thread-safe, no allocation beyond the returned strings.
#pragma once

#include <string>
#include <string_view>

namespace edgepix::sigv4 {

std::string UriEncode(std::string_view bytes, bool keep_slash);
// %XX to bytes; with `plus_is_space` a '+' becomes ' ' (query strings).
std::string PercentDecode(std::string_view text, bool plus_is_space);
// The canonical URI of a path as it arrived on the wire (percent-encoded or
// not): each '/'-separated segment decoded once and re-encoded once (so an
// encoded %2F inside a segment stays %2F). With `normalize`
// (non-S3 services) dot segments are removed and repeated slashes merged;
// S3 signs the path as it is.
std::string CanonicalUri(std::string_view raw_path, bool normalize);

}  // namespace edgepix::sigv4
