#include "s3/multipart_xml.h"

#include <algorithm>

#include "s3/checksums.h"

namespace edgepix::s3 {
namespace {

// The start of element `name`'s opening tag at or after `from` ("<name>" or
// "<name attr…>"), npos if none; *content set to where its content begins.
size_t FindOpen(std::string_view xml, std::string_view name, size_t from, size_t* content) {
  const std::string open = "<" + std::string(name);
  for (size_t at = xml.find(open, from); at != std::string_view::npos;
       at = xml.find(open, at + 1)) {
    const size_t after = at + open.size();
    if (after >= xml.size()) return std::string_view::npos;
    const char c = xml[after];
    if (c != '>' && c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != '/') continue;
    const size_t end = xml.find('>', after);
    if (end == std::string_view::npos) return std::string_view::npos;
    *content = end + 1;
    return at;
  }
  return std::string_view::npos;
}

// The text of the first `name` element inside `xml`.
std::optional<std::string_view> Child(std::string_view xml, std::string_view name) {
  size_t content = 0;
  if (FindOpen(xml, name, 0, &content) == std::string_view::npos) return std::nullopt;
  const size_t close = xml.find("</" + std::string(name) + ">", content);
  if (close == std::string_view::npos) return std::nullopt;
  return xml.substr(content, close - content);
}

std::string DecodeEntities(std::string_view s) {
  static const std::pair<std::string_view, char> kEntities[] = {
      {"&quot;", '"'},  {"&amp;", '&'}, {"&lt;", '<'},  {"&gt;", '>'},
      {"&apos;", '\''}, {"&#34;", '"'}, {"&#x22;", '"'}};
  std::string out;
  for (size_t i = 0; i < s.size();) {
    bool replaced = false;
    if (s[i] == '&') {
      for (const auto& [entity, c] : kEntities) {
        if (s.substr(i, entity.size()) == entity) {
          out.push_back(c);
          i += entity.size();
          replaced = true;
          break;
        }
      }
    }
    if (!replaced) out.push_back(s[i++]);
  }
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<std::vector<CompletedPart>> ParseCompleteMultipartUpload(std::string_view xml) {
  size_t body = 0;
  if (FindOpen(xml, "CompleteMultipartUpload", 0, &body) == std::string_view::npos) {
    return std::nullopt;
  }
  const size_t end = xml.rfind("</CompleteMultipartUpload>");
  if (end == std::string_view::npos || end < body) return std::nullopt;
  const std::string_view inner = xml.substr(body, end - body);
  std::vector<CompletedPart> parts;
  size_t content = 0;
  for (size_t at = FindOpen(inner, "Part", 0, &content); at != std::string_view::npos;
       at = FindOpen(inner, "Part", content, &content)) {
    const size_t close = inner.find("</Part>", content);
    if (close == std::string_view::npos) return std::nullopt;
    const std::string_view part = inner.substr(content, close - content);
    auto number = Child(part, "PartNumber");
    auto etag = Child(part, "ETag");
    if (!number || !etag) return std::nullopt;
    const std::string_view n = Trim(*number);
    if (n.empty() || n.size() > 5 || !std::all_of(n.begin(), n.end(), ::isdigit)) {
      return std::nullopt;
    }
    CompletedPart p;
    p.number = std::stoi(std::string(n));
    if (p.number < 1 || p.number > 10000) return std::nullopt;
    p.etag = DecodeEntities(Trim(*etag));
    if (p.etag.size() >= 2 && p.etag.front() == '"' && p.etag.back() == '"') {
      p.etag = p.etag.substr(1, p.etag.size() - 2);
    }
    parts.push_back(std::move(p));
    content = close + 7;
  }
  if (parts.empty()) return std::nullopt;
  return parts;
}

std::string MultipartEtag(const std::vector<std::string>& part_md5_hex) {
  std::string binary;
  for (const auto& hex : part_md5_hex) {
    if (hex.size() != 32) return "";
    for (size_t i = 0; i < 32; i += 2) {
      auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
      };
      const int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
      if (hi < 0 || lo < 0) return "";
      binary.push_back(static_cast<char>(hi * 16 + lo));
    }
  }
  PayloadDigests d(DigestSet{false, false, false});
  d.Update(binary.data(), binary.size());
  d.Finish();
  return "\"" + d.md5_hex() + "-" + std::to_string(part_md5_hex.size()) + "\"";
}

}  // namespace edgepix::s3
