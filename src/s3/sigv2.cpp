#include "s3/sigv2.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "http/crypto.h"
#include "s3/checksums.h"

namespace edgepix::s3 {
namespace {

// Query parameters that are part of the SigV2 resource.
constexpr std::array<std::string_view, 24> kSubResources = {"acl",
                                                            "cors",
                                                            "delete",
                                                            "lifecycle",
                                                            "location",
                                                            "logging",
                                                            "notification",
                                                            "partNumber",
                                                            "policy",
                                                            "requestPayment",
                                                            "response-cache-control",
                                                            "response-content-disposition",
                                                            "response-content-encoding",
                                                            "response-content-language",
                                                            "response-content-type",
                                                            "response-expires",
                                                            "tagging",
                                                            "torrent",
                                                            "uploadId",
                                                            "uploads",
                                                            "versionId",
                                                            "versioning",
                                                            "versions",
                                                            "website"};

std::optional<std::string> Param(const NameValues& q, std::string_view name) {
  for (const auto& [n, v] : q) {
    if (n == name) return v;
  }
  return std::nullopt;
}

}  // namespace

bool HasSigV2Query(const SignedRequest& request) {
  NameValues q = ParseQuery(request.raw_query);
  return Param(q, "AWSAccessKeyId") && Param(q, "Signature");
}

std::string SigV2StringToSign(const SignedRequest& request, std::string_view expires) {
  std::string out = request.method + "\n";
  out += FindHeader(request.headers, "content-md5").value_or("") + "\n";
  out += FindHeader(request.headers, "content-type").value_or("") + "\n";
  out.append(expires).append("\n");
  std::vector<std::pair<std::string, std::string>> amz;
  for (const auto& [n, v] : request.headers) {
    std::string lower = n;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!lower.starts_with("x-amz-")) continue;
    auto it = std::find_if(amz.begin(), amz.end(), [&](const auto& p) { return p.first == lower; });
    std::string value = CanonicalHeaderValue(v);
    if (it == amz.end()) {
      amz.emplace_back(lower, value);
    } else {
      it->second += "," + value;
    }
  }
  std::sort(amz.begin(), amz.end());
  for (const auto& [n, v] : amz) out += n + ":" + v + "\n";
  out += request.raw_path;
  std::vector<std::pair<std::string, std::string>> subs;
  bool has_value = false;
  for (const auto& [n, v] : ParseQuery(request.raw_query)) {
    if (std::find(kSubResources.begin(), kSubResources.end(), n) == kSubResources.end()) continue;
    subs.emplace_back(n, v);
  }
  std::sort(subs.begin(), subs.end());
  char sep = '?';
  for (const auto& [n, v] : subs) {
    out.push_back(sep);
    out += n;
    has_value = !v.empty();
    if (has_value) out += "=" + v;
    sep = '&';
  }
  return out;
}

std::string SigV2Signature(std::string_view secret, std::string_view string_to_sign) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(string_to_sign.data()), string_to_sign.size(), mac,
       &len);
  return Base64Encode(std::string_view(reinterpret_cast<char*>(mac), len));
}

AuthResult VerifySigV2Query(const SignedRequest& request, const SecretLookup& secrets,
                            int64_t now_unix) {
  AuthResult r;
  NameValues q = ParseQuery(request.raw_query);
  auto key = Param(q, "AWSAccessKeyId");
  auto signature = Param(q, "Signature");
  auto expires = Param(q, "Expires");
  if (!key || !signature || !expires || expires->empty() || expires->size() > 12 ||
      !std::all_of(expires->begin(), expires->end(), [](char c) { return c >= '0' && c <= '9'; })) {
    r.code = AuthCode::kMalformed;
    r.message =
        "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters";
    return r;
  }
  if (now_unix > std::stoll(*expires)) {
    r.code = AuthCode::kExpired;
    r.message = "Request has expired";
    return r;
  }
  auto secret = secrets ? secrets(*key) : std::nullopt;
  if (!secret) {
    r.code = AuthCode::kInvalidAccessKeyId;
    r.message = "The AWS Access Key Id you provided does not exist in our records.";
    return r;
  }
  r.presigned = true;
  r.access_key = *key;
  r.payload_hash = std::string(kUnsignedPayload);
  r.string_to_sign = SigV2StringToSign(request, *expires);
  std::string expected = SigV2Signature(*secret, r.string_to_sign);
  if (!http::ConstantTimeEquals(expected, *signature)) {
    r.code = AuthCode::kSignatureDoesNotMatch;
    r.message = "The request signature we calculated does not match the signature you provided.";
    return r;
  }
  r.code = AuthCode::kOk;
  return r;
}

}  // namespace edgepix::s3
