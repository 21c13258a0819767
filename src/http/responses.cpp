#include "http/responses.h"

#include <cerrno>
#include <cstdlib>

#include "http/error_status.h"

namespace edgepix::http {
namespace {

const char* MessageForHttpStatus(int status) {
  switch (status) {
    case 400:
      return "malformed request";
    case 404:
      return "no such resource";
    case 405:
      return "method not allowed here";
    case 408:
      return "the request took too long to arrive";
    case 413:
      return "the request body is too large";
    case 414:
      return "the request URI is too long";
    case 416:
      return "the requested range is not satisfiable";
    default:
      return status >= 500 ? "internal server error" : "request refused";
  }
}

}  // namespace

namespace {

// Invalid UTF-8 anywhere (an old row, a message quoting input) must not become a 500.
std::string JsonText(const nlohmann::json& body) {
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

nlohmann::json ErrorJson(const std::string& code, const std::string& message) {
  return {{"error", {{"code", code}, {"message", message}}}};
}

}  // namespace

void SendJson(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_content(JsonText(body), "application/json");
}

std::string ErrorBody(const Status& error) {
  return JsonText(ErrorJson(ErrorCodeName(error.code()), error.message()));
}

std::string CleanFilename(const std::string& name) {
  std::string base =
      name.substr(name.find_last_of("/\\") == std::string::npos ? 0 : name.find_last_of("/\\") + 1);
  std::string out;
  const auto* p = reinterpret_cast<const unsigned char*>(base.data());
  const size_t n = base.size();
  for (size_t i = 0; i < n && out.size() < 252;) {
    unsigned char c = p[i];
    if (c < 0x80) {
      if (c >= 0x20 && c != 0x7f) out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    // Length and the smallest code point of a well-formed sequence (no overlongs).
    size_t len = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 0;
    uint32_t cp = len == 4 ? c & 0x07 : len == 3 ? c & 0x0F : c & 0x1F;
    bool ok = len > 0 && i + len <= n;
    for (size_t k = 1; ok && k < len; ++k) {
      ok = (p[i + k] & 0xC0) == 0x80;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if (ok) {
      ok = (len == 3 && cp >= 0x800 && (cp < 0xD800 || cp > 0xDFFF)) ||
           (len == 4 && cp >= 0x10000 && cp <= 0x10FFFF) || len == 2;
    }
    if (ok) {
      out.append(base, i, len);
      i += len;
    } else {
      out += "\xEF\xBF\xBD";  // U+FFFD
      ++i;
    }
  }
  return out.empty() ? "upload" : out;
}

namespace {

// `http_status` is HttpStatusFor(error.code()) except for answers cpp-httplib
// made itself, which keep their status.
void SendErrorAs(httplib::Response& res, int http_status, const Status& error) {
  if (http_status == 503 && !res.has_header("Retry-After")) res.set_header("Retry-After", "5");
  SendJson(res, http_status, ErrorJson(ErrorCodeName(error.code()), error.message()));
}

}  // namespace

void SendError(httplib::Response& res, const Status& error) {
  SendErrorAs(res, HttpStatusFor(error.code()), error);
}

void InstallJsonErrorHandlers(httplib::Server& server) {
  httplib::Server::HandlerWithResponse to_json = [](const httplib::Request&,
                                                    httplib::Response& res) {
    if (res.body.empty() && !res.is_chunked_content_provider_) {
      SendErrorAs(
          res, res.status,
          Status::Error(ErrorCodeForHttpStatus(res.status), MessageForHttpStatus(res.status)));
    }
    return httplib::Server::HandlerResponse::Handled;
  };
  server.set_error_handler(to_json);
  server.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "internal server error";
        try {
          if (ep) std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        SendError(res, Status::Error(ErrorCode::kInternal, what));
      });
}

Result<std::optional<int64_t>> IntParam(const httplib::Request& req, const std::string& name,
                                        int64_t min, int64_t max) {
  if (!req.has_param(name)) return std::optional<int64_t>();
  std::string text = req.get_param_value(name);
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || errno != 0 || *end != '\0' || v < min || v > max) {
    return Status::Error(ErrorCode::kBadRequest,
                         "query parameter '" + name + "' must be an integer in [" +
                             std::to_string(min) + ", " + std::to_string(max) + "]");
  }
  return std::optional<int64_t>(v);
}

bool EtagMatches(const std::string& if_none_match, const std::string& etag) {
  if (if_none_match.empty()) return false;
  if (if_none_match == "*") return true;
  size_t pos = 0;
  while (pos < if_none_match.size()) {
    size_t comma = if_none_match.find(',', pos);
    std::string tag =
        if_none_match.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    size_t b = tag.find_first_not_of(" \t");
    size_t e = tag.find_last_not_of(" \t");
    if (b != std::string::npos) {
      tag = tag.substr(b, e - b + 1);
      if (tag.rfind("W/", 0) == 0) tag = tag.substr(2);
      if (tag == etag) return true;
    }
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return false;
}

}  // namespace edgepix::http
