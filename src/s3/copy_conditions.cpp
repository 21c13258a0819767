#include "s3/copy_conditions.h"

#include <ctime>
#include <string_view>

namespace edgepix::s3 {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string_view Unquoted(std::string_view s) {
  if (s.starts_with("W/")) s.remove_prefix(2);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  return s;
}

// True when the comma-separated ETag list holds `etag` or "*" (quotes
// optional: S3 takes the bare hex too).
bool ListMatches(const std::string& list, const std::string& etag) {
  std::string_view rest = list;
  while (true) {
    const size_t comma = rest.find(',');
    const std::string_view item = Trim(rest.substr(0, comma));
    if (item == "*" || (!item.empty() && Unquoted(item) == Unquoted(etag))) return true;
    if (comma == std::string_view::npos) return false;
    rest.remove_prefix(comma + 1);
  }
}

std::optional<int64_t> Parse(const std::string& text, const char* format) {
  std::tm tm{};
  const char* end = strptime(text.c_str(), format, &tm);
  if (!end) return std::nullopt;
  return static_cast<int64_t>(timegm(&tm));
}

S3Error Failed() {
  return {"PreconditionFailed", "At least one of the pre-conditions you specified did not hold",
          ""};
}

}  // namespace

std::optional<int64_t> ParseHttpDate(const std::string& text) {
  const std::string trimmed(Trim(text));
  if (!trimmed.ends_with(" GMT")) return std::nullopt;
  return Parse(trimmed, "%a, %d %b %Y %H:%M:%S GMT");
}

std::optional<int64_t> ParseIso8601(const std::string& text) {
  if (text.size() < 19) return std::nullopt;
  return Parse(text.substr(0, 19), "%Y-%m-%dT%H:%M:%S");
}

std::optional<S3Error> CheckCopyConditions(const CopyConditions& c, const std::string& etag,
                                           const std::string& last_modified) {
  const std::optional<int64_t> modified = ParseIso8601(last_modified);
  const bool match_holds = c.if_match && ListMatches(*c.if_match, etag);
  if (c.if_match && !match_holds) return Failed();
  if (c.if_unmodified_since && !match_holds && modified) {
    const auto since = ParseHttpDate(*c.if_unmodified_since);
    if (since && *modified > *since) return Failed();
  }
  if (c.if_none_match) {
    if (ListMatches(*c.if_none_match, etag)) return Failed();
  } else if (c.if_modified_since && modified) {
    const auto since = ParseHttpDate(*c.if_modified_since);
    if (since && *modified <= *since) return Failed();
  }
  return std::nullopt;
}

}  // namespace edgepix::s3
