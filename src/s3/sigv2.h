// AWS Signature Version 2 query authentication (presigned URLs with
// AWSAccessKeyId, Signature, Expires), which boto3 still uses by default for
// generate_presigned_url. Verification only; header SigV2 is not accepted.
//
// StringToSign = METHOD\nContent-MD5\nContent-Type\nExpires\n
//                <x-amz-* headers, lower-case, sorted, "name:value\n">
//                <raw path><sub-resources such as ?uploads, sorted>
// Signature = base64(HMAC-SHA1(secret, StringToSign)), compared in constant time.
// Pure and thread-safe.
#pragma once

#include "s3/sigv4.h"

namespace edgepix::s3 {

bool HasSigV2Query(const SignedRequest& request);
std::string SigV2StringToSign(const SignedRequest& request, std::string_view expires);
std::string SigV2Signature(std::string_view secret, std::string_view string_to_sign);
// AuthResult as for SigV4 (payload_hash UNSIGNED-PAYLOAD, no signing key).
AuthResult VerifySigV2Query(const SignedRequest& request, const SecretLookup& secrets,
                            int64_t now_unix);

}  // namespace edgepix::s3
