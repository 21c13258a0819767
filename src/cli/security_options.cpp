#include "cli/security_options.h"

#include <fstream>
#include <sstream>

#include "common/log.h"

namespace edgepix::cli {
namespace {

Result<std::string> ReadSecretFile(const std::string& flag, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Error(ErrorCode::kBadRequest, "--" + flag + ": cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
  if (text.empty())
    return Status::Error(ErrorCode::kBadRequest, "--" + flag + ": " + path + " is empty");
  return text;
}

}  // namespace

std::vector<OptionDef> SecurityOptionDefs() {
  return {
      {"token", "",
       "bearer token for uploads, listing, job reads, deletion and /metrics (visible in ps: "
       "prefer --token-file or EDGEPIX_TOKEN)"},
      {"token-file", "", "read the bearer token from this file (first line)"},
      {"jwt-secret", "", "also accept HS256 JWTs signed with this secret as bearer tokens"},
      {"jwt-allow-no-exp", "",
       "also accept JWTs without an exp claim (they never expire; refused by default)", false,
       true},
      {"private", "", "variants and originals need the token or a signed URL", false, true},
      {"guest-code", "",
       "guest code: /?g=CODE lets a phone upload and see its own photos (8-128 of A-Z a-z 0-9 "
       "- _); generated on a non-loopback --listen without a token"},
      {"open", "",
       "on a non-loopback --listen without a token, stay open to all instead of generating an "
       "owner token and a guest code",
       false, true},
      {"url-signing-key", "", "key for signed media URLs (default: derived from the token)"},
      {"signed-url-ttl", "3600", "seconds a signed media URL stays valid (at least)"},
      {"cors-origin", "", "allow this browser origin (exact, or *) cross-origin access", true},
      {"tls-cert", "", "PEM certificate chain: serve HTTPS (needs --tls-key)"},
      {"tls-key", "", "PEM private key for --tls-cert"},
      {"log-format", "text", "request and job log lines: text or json"},
      {"header-timeout", "10",
       "seconds a connection may take to send a request's headers (also after a keep-alive "
       "answer); slower connections are closed"},
      {"min-body-rate", "1024",
       "bytes per second a request body must bring, measured over each --header-timeout "
       "window; slower bodies get 408 (0 = no minimum)"},
  };
}

Status ApplySecurityOptions(const ParsedOptions& parsed, http::ServerOptions* out) {
  http::AccessOptions& access = out->access;
  access.token = parsed.Get("token");
  if (!parsed.Get("token-file").empty()) {
    if (!access.token.empty()) {
      return Status::Error(ErrorCode::kBadRequest, "give --token or --token-file, not both");
    }
    EDGEPIX_ASSIGN_OR_RETURN(auto token, ReadSecretFile("token-file", parsed.Get("token-file")));
    access.token = token;
  }
  if (parsed.FromCommandLine("token")) {
    log::Warning(
        "--token puts the token on the command line, where every local user can read it (ps, "
        "/proc/PID/cmdline); use --token-file FILE or the EDGEPIX_TOKEN environment variable");
  }
  if (parsed.FromCommandLine("jwt-secret")) {
    log::Warning(
        "--jwt-secret puts the secret on the command line, where every local user can read it "
        "(ps); use the EDGEPIX_JWT_SECRET environment variable");
  }
  access.jwt_secret = parsed.Get("jwt-secret");
  access.jwt_allow_no_exp = parsed.Get("jwt-allow-no-exp") == "true";
  access.url_signing_key = parsed.Get("url-signing-key");
  access.private_media = parsed.Get("private") == "true";
  access.guest_code = parsed.Get("guest-code");
  EDGEPIX_ASSIGN_OR_RETURN(auto ttl, parsed.GetInt("signed-url-ttl", 60, 7 * 24 * 3600));
  access.signed_url_ttl_seconds = ttl;
  EDGEPIX_ASSIGN_OR_RETURN(auto header_timeout, parsed.GetInt("header-timeout", 1, 3600));
  out->header_timeout_seconds = static_cast<int>(header_timeout);
  EDGEPIX_ASSIGN_OR_RETURN(auto min_body_rate, parsed.GetInt("min-body-rate", 0, 1ll << 30));
  out->min_body_bytes_per_second = static_cast<uint64_t>(min_body_rate);
  EDGEPIX_RETURN_IF_ERROR(http::Access::Validate(access));

  out->cors_origins = parsed.GetAll("cors-origin");
  out->tls_cert = parsed.Get("tls-cert");
  out->tls_key = parsed.Get("tls-key");
  if (out->tls_cert.empty() != out->tls_key.empty()) {
    return Status::Error(ErrorCode::kBadRequest, "--tls-cert and --tls-key go together");
  }
  return Status::Ok();
}

Status ApplyLogFormat(const ParsedOptions& parsed) {
  const std::string format = parsed.Get("log-format");
  if (format != "text" && format != "json") {
    return Status::Error(ErrorCode::kBadRequest, "--log-format must be text or json");
  }
  log::SetFormat(format == "json" ? log::Format::kJson : log::Format::kText);
  return Status::Ok();
}

}  // namespace edgepix::cli
