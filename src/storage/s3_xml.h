// The few pieces of S3's XML answers the S3 blob store reads (internal to
// storage/): element texts by tag name, entity-decoded. S3 answers are flat
// and machine-written (no CDATA, no attributes on the elements read here), so
// a tag scan is enough; this is no general XML parser. Pure, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace edgepix::s3xml {

// The raw inner text of every <tag>...</tag> in `xml`, in order (nested
// elements included as text, so a caller can scan blocks such as <Contents>).
std::vector<std::string_view> Blocks(std::string_view xml, std::string_view tag);
// The entity-decoded text of the first <tag>...</tag>; nullopt when absent.
std::optional<std::string> Value(std::string_view xml, std::string_view tag);
// &lt; &gt; &amp; &quot; &apos; and numeric references decoded.
std::string Unescape(std::string_view text);
// < > & " ' as entities.
std::string Escape(std::string_view text);

}  // namespace edgepix::s3xml
