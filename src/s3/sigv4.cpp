#include "s3/sigv4.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <map>

#include "http/crypto.h"
#include "jobs/sha256.h"
#include "s3/uri_encode.h"

namespace edgepix::s3 {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string ToHex(std::string_view bytes) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

std::vector<std::string> Split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t i = 0;
  while (true) {
    size_t j = s.find(sep, i);
    out.emplace_back(s.substr(i, j == std::string_view::npos ? s.size() - i : j - i));
    if (j == std::string_view::npos) break;
    i = j + 1;
  }
  return out;
}

AuthResult Refuse(AuthCode code, std::string message) {
  AuthResult r;
  r.code = code;
  r.message = std::move(message);
  return r;
}

// "AKID/20150830/us-east-1/service/aws4_request" into key and scope.
bool ParseCredential(std::string_view credential, std::string& access_key, Scope& scope) {
  auto parts = Split(credential, '/');
  if (parts.size() != 5 || parts[4] != "aws4_request" || parts[0].empty() || parts[1].size() != 8) {
    return false;
  }
  access_key = parts[0];
  scope = Scope{parts[1], parts[2], parts[3]};
  return true;
}

bool ValidSignedHeaders(const std::vector<std::string>& names) {
  if (names.empty()) return false;
  for (const auto& n : names) {
    if (n.empty() || n != Lower(n)) return false;
  }
  return std::find(names.begin(), names.end(), "host") != names.end();
}

struct Claim {
  bool presigned = false;
  std::string access_key;
  Scope scope;
  std::string amz_date;
  std::vector<std::string> signed_headers;
  std::string signature;
  int64_t expires = 0;
};

// Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...
std::optional<Claim> ParseHeaderClaim(std::string_view value, std::string& why) {
  if (!value.starts_with(kAlgorithm)) {
    why = "Unsupported authorization type";
    return std::nullopt;
  }
  value.remove_prefix(kAlgorithm.size());
  Claim claim;
  bool have_cred = false, have_signed = false, have_sig = false;
  for (const auto& raw : Split(value, ',')) {
    std::string_view part = Trim(raw);
    size_t eq = part.find('=');
    if (eq == std::string_view::npos) {
      why = "the authorization header is malformed";
      return std::nullopt;
    }
    std::string_view name = Trim(part.substr(0, eq));
    std::string_view val = Trim(part.substr(eq + 1));
    if (name == "Credential") {
      have_cred = ParseCredential(val, claim.access_key, claim.scope);
    } else if (name == "SignedHeaders") {
      claim.signed_headers = Split(val, ';');
      have_signed = true;
    } else if (name == "Signature") {
      claim.signature = std::string(val);
      have_sig = true;
    }
  }
  if (!have_cred || !have_signed || !have_sig || !ValidSignedHeaders(claim.signed_headers)) {
    why =
        "The authorization header is malformed; it must name Credential, SignedHeaders (with host) "
        "and Signature";
    return std::nullopt;
  }
  return claim;
}

std::optional<std::string> QueryValue(const NameValues& q, std::string_view name) {
  for (const auto& [n, v] : q) {
    if (n == name) return v;
  }
  return std::nullopt;
}

std::optional<Claim> ParseQueryClaim(const NameValues& q, int64_t max_expires, std::string& why) {
  Claim claim;
  claim.presigned = true;
  auto algorithm = QueryValue(q, "X-Amz-Algorithm");
  auto credential = QueryValue(q, "X-Amz-Credential");
  auto date = QueryValue(q, "X-Amz-Date");
  auto expires = QueryValue(q, "X-Amz-Expires");
  auto signed_headers = QueryValue(q, "X-Amz-SignedHeaders");
  auto signature = QueryValue(q, "X-Amz-Signature");
  if (!algorithm || *algorithm != kAlgorithm) {
    why = "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"";
    return std::nullopt;
  }
  if (!credential || !date || !expires || !signed_headers || !signature) {
    why =
        "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, "
        "X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.";
    return std::nullopt;
  }
  if (!ParseCredential(*credential, claim.access_key, claim.scope)) {
    why = "Error parsing the X-Amz-Credential parameter";
    return std::nullopt;
  }
  int64_t seconds = 0;
  if (expires->empty() || expires->size() > 9 ||
      !std::all_of(expires->begin(), expires->end(), [](char c) { return c >= '0' && c <= '9'; })) {
    why = "X-Amz-Expires should be a number";
    return std::nullopt;
  }
  seconds = std::stoll(*expires);
  if (seconds < 1 || seconds > max_expires) {
    why = "X-Amz-Expires must be between 1 and 604800 seconds";
    return std::nullopt;
  }
  claim.expires = seconds;
  claim.amz_date = *date;
  claim.signed_headers = Split(*signed_headers, ';');
  claim.signature = *signature;
  if (!ValidSignedHeaders(claim.signed_headers)) {
    why = "X-Amz-SignedHeaders must name host, in lower case";
    return std::nullopt;
  }
  return claim;
}

}  // namespace

std::string Scope::Text() const { return date + "/" + region + "/" + service + "/aws4_request"; }

NameValues ParseQuery(std::string_view raw_query) {
  NameValues out;
  if (raw_query.empty()) return out;
  for (const auto& item : Split(raw_query, '&')) {
    if (item.empty()) continue;
    size_t eq = item.find('=');
    std::string_view name = std::string_view(item).substr(0, eq);
    std::string_view value =
        eq == std::string::npos ? std::string_view() : std::string_view(item).substr(eq + 1);
    out.emplace_back(PercentDecode(name, true), PercentDecode(value, true));
  }
  return out;
}

std::string CanonicalQuery(const NameValues& query, std::string_view skip) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(query.size());
  for (const auto& [n, v] : query) {
    if (!skip.empty() && n == skip) continue;
    encoded.emplace_back(UriEncode(n, false), UriEncode(v, false));
  }
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [n, v] : encoded) {
    if (!out.empty()) out.push_back('&');
    out += n;
    out.push_back('=');
    out += v;
  }
  return out;
}

std::string CanonicalHeaderValue(std::string_view value) {
  std::string out;
  bool space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

std::optional<std::string> CanonicalHeaders(const NameValues& headers,
                                            const std::vector<std::string>& signed_names) {
  std::map<std::string, std::string> joined;
  for (const auto& [name, value] : headers) {
    std::string lower = Lower(name);
    if (std::find(signed_names.begin(), signed_names.end(), lower) == signed_names.end()) continue;
    auto [it, inserted] = joined.emplace(lower, CanonicalHeaderValue(value));
    if (!inserted) it->second += "," + CanonicalHeaderValue(value);
  }
  std::vector<std::string> names = signed_names;
  std::sort(names.begin(), names.end());
  std::string out;
  for (const auto& n : names) {
    auto it = joined.find(n);
    if (it == joined.end()) return std::nullopt;
    out += n + ":" + it->second + "\n";
  }
  return out;
}

std::string CanonicalRequest(std::string_view method, std::string_view canonical_uri,
                             std::string_view canonical_query, std::string_view canonical_headers,
                             std::string_view signed_headers, std::string_view payload_hash) {
  std::string out;
  out.append(method).append("\n");
  out.append(canonical_uri).append("\n");
  out.append(canonical_query).append("\n");
  out.append(canonical_headers).append("\n");
  out.append(signed_headers).append("\n");
  out.append(payload_hash);
  return out;
}

std::string HexSha256(std::string_view data) {
  auto digest = Sha256::Of(data);
  return digest.ok() ? digest.value() : std::string();
}

std::string StringToSign(std::string_view amz_date, const Scope& scope,
                         std::string_view canonical_request) {
  std::string out(kAlgorithm);
  out.append("\n").append(amz_date).append("\n").append(scope.Text()).append("\n");
  out.append(HexSha256(canonical_request));
  return out;
}

std::string SigningKey(std::string_view secret, const Scope& scope) {
  std::string k = http::HmacSha256("AWS4" + std::string(secret), scope.date);
  k = http::HmacSha256(k, scope.region);
  k = http::HmacSha256(k, scope.service);
  return http::HmacSha256(k, "aws4_request");
}

std::string HexSignature(std::string_view signing_key, std::string_view string_to_sign) {
  return ToHex(http::HmacSha256(signing_key, string_to_sign));
}

std::optional<int64_t> ParseAmzDate(std::string_view d) {
  if (d.size() != 16 || d[8] != 'T' || d[15] != 'Z') return std::nullopt;
  for (size_t i = 0; i < 15; ++i) {
    if (i != 8 && (d[i] < '0' || d[i] > '9')) return std::nullopt;
  }
  auto num = [&](size_t at, size_t len) { return std::stoi(std::string(d.substr(at, len))); };
  std::tm tm{};
  tm.tm_year = num(0, 4) - 1900;
  tm.tm_mon = num(4, 2) - 1;
  tm.tm_mday = num(6, 2);
  tm.tm_hour = num(9, 2);
  tm.tm_min = num(11, 2);
  tm.tm_sec = num(13, 2);
  if (tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
      tm.tm_sec > 60) {
    return std::nullopt;
  }
  return static_cast<int64_t>(timegm(&tm));
}

std::optional<std::string> FindHeader(const NameValues& headers, std::string_view name) {
  for (const auto& [n, v] : headers) {
    if (n.size() == name.size() && std::equal(n.begin(), n.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return v;
    }
  }
  return std::nullopt;
}

bool HasSigV4(const SignedRequest& request) {
  auto auth = FindHeader(request.headers, "authorization");
  if (auth && auth->starts_with(kAlgorithm)) return true;
  return request.raw_query.find("X-Amz-Signature=") != std::string::npos ||
         request.raw_query.find("X-Amz-Algorithm=") != std::string::npos;
}

AuthResult VerifySigV4(const SignedRequest& request, const SecretLookup& secrets,
                       const VerifyOptions& options) {
  NameValues query = ParseQuery(request.raw_query);
  auto auth_header = FindHeader(request.headers, "authorization");
  std::string why;
  std::optional<Claim> claim;
  std::string payload_hash;
  if (auth_header) {
    claim = ParseHeaderClaim(*auth_header, why);
    if (!claim) return Refuse(AuthCode::kMalformed, why);
    auto date = FindHeader(request.headers, "x-amz-date");
    if (!date) {
      return Refuse(AuthCode::kMissing,
                    "AWS authentication requires a valid Date or x-amz-date header");
    }
    claim->amz_date = CanonicalHeaderValue(*date);
    auto declared = FindHeader(request.headers, "x-amz-content-sha256");
    if (declared) {
      payload_hash = CanonicalHeaderValue(*declared);
    } else if (!options.default_payload_hash.empty()) {
      payload_hash = options.default_payload_hash;
    } else {
      return Refuse(AuthCode::kMalformed,
                    "Missing required header for this request: x-amz-content-sha256");
    }
  } else if (QueryValue(query, "X-Amz-Algorithm") || QueryValue(query, "X-Amz-Signature")) {
    claim = ParseQueryClaim(query, options.max_presigned_expires, why);
    if (!claim) return Refuse(AuthCode::kMalformed, why);
    payload_hash = options.presigned_payload_hash;
  } else {
    return Refuse(AuthCode::kMissing, "Access Denied");
  }

  auto when = ParseAmzDate(claim->amz_date);
  if (!when || claim->amz_date.substr(0, 8) != claim->scope.date) {
    return Refuse(AuthCode::kMalformed,
                  "X-Amz-Date is malformed or does not match the credential date");
  }
  if (claim->scope.service != options.service) {
    return Refuse(AuthCode::kMalformed, "The authorization scope names the service '" +
                                            claim->scope.service + "'; expecting '" +
                                            options.service + "'");
  }
  if (!options.region.empty() && claim->scope.region != options.region) {
    return Refuse(AuthCode::kWrongRegion, "The authorization header is malformed; the region '" +
                                              claim->scope.region + "' is wrong; expecting '" +
                                              options.region + "'");
  }
  if (claim->presigned) {
    if (*when - options.max_skew_seconds > options.now_unix) {
      return Refuse(AuthCode::kNotYetValid, "Request is not valid yet");
    }
    if (options.now_unix > *when + claim->expires) {
      return Refuse(AuthCode::kExpired, "Request has expired");
    }
  } else if (*when > options.now_unix + options.max_skew_seconds ||
             *when < options.now_unix - options.max_skew_seconds) {
    return Refuse(AuthCode::kRequestTimeTooSkewed,
                  "The difference between the request time and the current time is too large.");
  }

  auto secret = secrets ? secrets(claim->access_key) : std::nullopt;
  if (!secret) {
    return Refuse(AuthCode::kInvalidAccessKeyId,
                  "The AWS Access Key Id you provided does not exist in our records.");
  }

  std::vector<std::string> sorted_signed = claim->signed_headers;
  std::sort(sorted_signed.begin(), sorted_signed.end());
  std::string signed_joined;
  for (const auto& n : sorted_signed) signed_joined += (signed_joined.empty() ? "" : ";") + n;
  auto canonical_headers = CanonicalHeaders(request.headers, sorted_signed);

  AuthResult result;
  result.presigned = claim->presigned;
  result.access_key = claim->access_key;
  result.payload_hash = payload_hash;
  result.amz_date = claim->amz_date;
  result.scope = claim->scope;
  result.signing_key = SigningKey(*secret, claim->scope);
  if (!canonical_headers) {
    result.code = AuthCode::kSignatureDoesNotMatch;
    result.message = "A header named in SignedHeaders is not present in the request";
    return result;
  }
  result.canonical_request =
      CanonicalRequest(request.method, CanonicalUri(request.raw_path, options.normalize_path),
                       CanonicalQuery(query, claim->presigned ? "X-Amz-Signature" : ""),
                       *canonical_headers, signed_joined, payload_hash);
  result.string_to_sign = StringToSign(claim->amz_date, claim->scope, result.canonical_request);
  std::string expected = HexSignature(result.signing_key, result.string_to_sign);
  if (!http::ConstantTimeEquals(expected, Lower(claim->signature))) {
    result.code = AuthCode::kSignatureDoesNotMatch;
    result.message =
        "The request signature we calculated does not match the signature you provided. Check your "
        "key and signing method.";
    return result;
  }
  result.code = AuthCode::kOk;
  result.signature = expected;
  return result;
}

}  // namespace edgepix::s3
