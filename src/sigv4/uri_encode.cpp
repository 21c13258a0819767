#include "sigv4/uri_encode.h"

#include <vector>

namespace edgepix::sigv4 {
namespace {

bool Unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 3986 section 5.2.4 on an already decoded path, then repeated '/' merged.
std::string Normalize(const std::string& path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    std::string seg = path.substr(i, j - i);
    if (seg == "..") {
      if (!out.empty()) out.pop_back();
    } else if (!seg.empty() && seg != ".") {
      out.push_back(seg);
    }
    i = j + 1;
  }
  std::string result;
  for (const auto& s : out) result += "/" + s;
  bool trailing = !path.empty() && path.back() == '/';
  if (!path.empty() && path.size() >= 2 && (path.ends_with("/.") || path.ends_with("/.."))) {
    trailing = true;
  }
  if (result.empty() || trailing) result += "/";
  return result;
}

}  // namespace

std::string UriEncode(std::string_view bytes, bool keep_slash) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size() * 3);
  for (unsigned char c : bytes) {
    if (Unreserved(c) || (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string PercentDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%' && i + 2 < text.size() && Hex(text[i + 1]) >= 0 && Hex(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(Hex(text[i + 1]) * 16 + Hex(text[i + 2])));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string CanonicalUri(std::string_view raw_path, bool normalize) {
  std::string path(raw_path.empty() ? "/" : raw_path);
  if (normalize) path = Normalize(PercentDecode(path, false));
  // Segment by segment: an encoded '/' (%2F) inside a segment stays encoded.
  std::string out;
  size_t i = 0;
  while (true) {
    size_t j = path.find('/', i);
    std::string_view segment =
        std::string_view(path).substr(i, j == std::string::npos ? std::string::npos : j - i);
    out += UriEncode(normalize ? std::string(segment) : PercentDecode(segment, false), false);
    if (j == std::string::npos) break;
    out.push_back('/');
    i = j + 1;
  }
  return out;
}

}  // namespace edgepix::sigv4
