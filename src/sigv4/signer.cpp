#include "sigv4/signer.h"

#include <algorithm>
#include <set>

#include "sigv4/uri_encode.h"

namespace edgepix::sigv4 {
namespace {

Scope ScopeAt(const std::string& amz_date, const SignOptions& options) {
  return Scope{amz_date.substr(0, 8), options.region, options.service};
}

// Lower-case names of `headers`, sorted, without repeats.
std::vector<std::string> HeaderNames(const NameValues& headers) {
  std::set<std::string> names;
  for (const auto& [n, v] : headers) names.insert(Lower(n));
  return std::vector<std::string>(names.begin(), names.end());
}

std::string Joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ";") + n;
  return out;
}

Signature Compute(const Request& request, const std::vector<std::string>& signed_names,
                  std::string_view payload_hash, std::string_view skip_query,
                  const std::string& amz_date, const Credentials& credentials,
                  const SignOptions& options) {
  const Scope scope = ScopeAt(amz_date, options);
  Signature out;
  out.canonical_request =
      CanonicalRequest(request.method, CanonicalUri(request.raw_path, options.normalize_path),
                       CanonicalQuery(ParseQuery(request.raw_query), skip_query),
                       CanonicalHeaders(request.headers, signed_names).value_or(""),
                       Joined(signed_names), payload_hash);
  out.string_to_sign = StringToSign(amz_date, scope, out.canonical_request);
  out.signature = HexSignature(SigningKey(credentials.secret_key, scope), out.string_to_sign);
  return out;
}

void AppendQuery(std::string* query, std::string_view name, std::string_view value) {
  if (!query->empty()) query->push_back('&');
  query->append(UriEncode(name, false)).append("=").append(UriEncode(value, false));
}

}  // namespace

Signature SignHeaders(Request* request, std::string_view payload_hash,
                      const Credentials& credentials, const SignOptions& options) {
  const std::string amz_date = FormatAmzDate(options.now_unix);
  request->headers.emplace_back("X-Amz-Date", amz_date);
  if (!credentials.session_token.empty()) {
    request->headers.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }
  if (options.add_content_sha256_header) {
    request->headers.emplace_back("x-amz-content-sha256", std::string(payload_hash));
  }
  const std::vector<std::string> names = HeaderNames(request->headers);
  Signature out = Compute(*request, names, payload_hash, {}, amz_date, credentials, options);
  out.authorization = std::string(kAlgorithm) + " Credential=" + credentials.access_key + "/" +
                      ScopeAt(amz_date, options).Text() + ", SignedHeaders=" + Joined(names) +
                      ", Signature=" + out.signature;
  request->headers.emplace_back("Authorization", out.authorization);
  return out;
}

Signature Presign(Request* request, int64_t expires_seconds, std::string_view payload_hash,
                  const Credentials& credentials, const SignOptions& options) {
  const std::string amz_date = FormatAmzDate(options.now_unix);
  const std::vector<std::string> names = HeaderNames(request->headers);
  AppendQuery(&request->raw_query, "X-Amz-Algorithm", kAlgorithm);
  AppendQuery(&request->raw_query, "X-Amz-Credential",
              credentials.access_key + "/" + ScopeAt(amz_date, options).Text());
  AppendQuery(&request->raw_query, "X-Amz-Date", amz_date);
  AppendQuery(&request->raw_query, "X-Amz-SignedHeaders", Joined(names));
  AppendQuery(&request->raw_query, "X-Amz-Expires", std::to_string(expires_seconds));
  if (!credentials.session_token.empty()) {
    AppendQuery(&request->raw_query, "X-Amz-Security-Token", credentials.session_token);
  }
  Signature out = Compute(*request, names, payload_hash, {}, amz_date, credentials, options);
  AppendQuery(&request->raw_query, "X-Amz-Signature", out.signature);
  return out;
}

}  // namespace edgepix::sigv4
