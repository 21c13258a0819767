#include "s3/sigv4.h"

#include <algorithm>
#include <cctype>

#include "http/crypto.h"
#include "sigv4/uri_encode.h"

namespace edgepix::s3 {
namespace {

using sigv4::kAlgorithm;
using sigv4::Lower;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
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
  result.canonical_request = CanonicalRequest(
      request.method, sigv4::CanonicalUri(request.raw_path, options.normalize_path),
      CanonicalQuery(query, claim->presigned ? "X-Amz-Signature" : ""), *canonical_headers,
      signed_joined, payload_hash);
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
