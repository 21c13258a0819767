// The XML of multipart uploads: the part list a CompleteMultipartUpload
// request sends, and the multipart ETag. Pure functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace edgepix::s3 {

struct CompletedPart {
  int number = 0;
  std::string etag;  // as sent, XML entities decoded, without quotes
};

// The <Part> list of a <CompleteMultipartUpload> body in document order;
// nullopt when the body is not such a document (S3's MalformedXML), a part
// lacks its PartNumber or ETag, or a PartNumber is not an integer 1..10000.
std::optional<std::vector<CompletedPart>> ParseCompleteMultipartUpload(std::string_view xml);

// S3's multipart ETag: quoted hex MD5 of the parts' binary MD5s, "-N".
// `part_md5_hex` are the parts' hex MD5s (unquoted). Empty on a bad hex.
std::string MultipartEtag(const std::vector<std::string>& part_md5_hex);

}  // namespace edgepix::s3
