#include "http/request_framing.h"

#include <strings.h>

#include "http/responses.h"

namespace edgepix::http {
namespace {

// RFC 9110 token characters (a header field name).
bool IsToken(const std::string& s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    const bool mark = c == '!' || c == '#' || c == '$' || c == '%' || c == '&' || c == '\'' ||
                      c == '*' || c == '+' || c == '-' || c == '.' || c == '^' || c == '_' ||
                      c == '`' || c == '|' || c == '~';
    if (!alnum && !mark) return false;
  }
  return true;
}

// Content-Length is 1*DIGIT; more than 19 digits cannot be a length we take.
std::optional<uint64_t> ParseLength(const std::string& s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v;
}

Status BadFraming(const std::string& why) {
  return Status::Error(ErrorCode::kBadRequest, "ambiguous or malformed request framing: " + why);
}

}  // namespace

std::optional<Status> CheckFraming(const httplib::Request& req, uint64_t max_body_bytes) {
  for (const auto& [name, value] : req.headers) {
    if (!IsToken(name)) return BadFraming("a header name is not a token ('" + name + "')");
  }
  if (req.version == "HTTP/1.1" && req.get_header_value_count("Host") != 1) {
    return BadFraming("HTTP/1.1 needs exactly one Host header");
  }
  const size_t lengths = req.get_header_value_count("Content-Length");
  std::optional<uint64_t> length;
  for (size_t i = 0; i < lengths; ++i) {
    auto v = ParseLength(req.get_header_value("Content-Length", i));
    if (!v) return BadFraming("Content-Length must be a plain decimal number");
    if (length && *length != *v) return BadFraming("differing Content-Length headers");
    length = v;
  }
  const size_t encodings = req.get_header_value_count("Transfer-Encoding");
  if (encodings > 0) {
    if (encodings != 1 ||
        ::strcasecmp(req.get_header_value("Transfer-Encoding").c_str(), "chunked") != 0) {
      return BadFraming("the only Transfer-Encoding accepted is a single 'chunked'");
    }
    if (length) return BadFraming("Transfer-Encoding beside Content-Length");
    if (req.version != "HTTP/1.1") return BadFraming("Transfer-Encoding in HTTP/1.0");
  }
  const bool needs_body = req.method == "POST" || req.method == "PUT" || req.method == "PATCH";
  if (needs_body && !length && encodings == 0) {
    return Status::Error(ErrorCode::kLengthRequired,
                         "a request body needs Content-Length or Transfer-Encoding: chunked");
  }
  if (length && *length > max_body_bytes) {
    return Status::Error(ErrorCode::kTooLarge, "the declared body (" + std::to_string(*length) +
                                                   " bytes) is over the limit of " +
                                                   std::to_string(max_body_bytes) + " bytes");
  }
  return std::nullopt;
}

void SendFramingRefusal(httplib::Response& res, const Status& refusal) {
  SendError(res, refusal);
  res.set_header("Connection", "close");
}

}  // namespace edgepix::http
