#pragma once
// AWS Signature Version 4 (HMAC-SHA256 via OpenSSL) as pure functions, checked against the
// official AWS SigV4 test suite: canonical request, string to sign, signing key, and the
// Authorization header; sign_request() applies them to an HttpRequest (SES, SNS).
//
// Canonical URI: each byte of the path as sent is percent-encoded except unreserved
// characters and '/' (the non-S3 rule: an already-encoded path is encoded again); dot
// segments and repeated slashes are not normalised, since no adapter produces them.

#include <chrono>
#include <string>
#include <string_view>

#include "providers/http/http_types.h"

namespace switchboard::providers::sigv4 {

struct Scope {
  std::string_view date;     // YYYYMMDD
  std::string_view region;   // e.g. us-east-1
  std::string_view service;  // e.g. ses, sns
};

// "20150830T123600Z", the x-amz-date value; its first 8 characters are the scope date.
std::string amz_date(std::chrono::system_clock::time_point when);

// The canonical request. `headers` are the headers to sign (any case, any order, repeats
// joined with ','); values are trimmed and inner runs of spaces collapsed. `query` is the
// raw query string (without '?'); its pairs are decoded, re-encoded and sorted.
std::string canonical_request(std::string_view method, std::string_view path, std::string_view query,
                              const HttpHeaderFields& headers, std::string_view payload_sha256_hex);

// "host;x-amz-date": the lower-cased, sorted, de-duplicated names of `headers`.
std::string signed_headers(const HttpHeaderFields& headers);

std::string credential_scope(const Scope& scope);  // date/region/service/aws4_request

std::string string_to_sign(std::string_view amz_date_value, const Scope& scope, std::string_view canonical_request);

// The raw (binary) signing key: HMAC chain over "AWS4"+secret, date, region, service.
std::string signing_key(std::string_view secret_access_key, const Scope& scope);

// Lower-case hex HMAC-SHA256 of the string to sign under the signing key.
std::string signature(std::string_view signing_key_bytes, std::string_view string_to_sign_value);

// "AWS4-HMAC-SHA256 Credential=<id>/<scope>, SignedHeaders=<names>, Signature=<hex>"
std::string authorization_header(std::string_view access_key_id, const Scope& scope,
                                 std::string_view signed_header_names, std::string_view signature_hex);

struct SigningParams {
  std::string_view access_key_id;
  std::string_view secret_access_key;
  std::string_view region;
  std::string_view service;
  std::chrono::system_clock::time_point now;
  bool add_content_sha256 = false;  // also send (and sign) x-amz-content-sha256
};

// Adds host (from the URL, so a credentials.baseUrl override is what gets signed),
// x-amz-date, optionally x-amz-content-sha256, then signs every header of the request and
// adds Authorization. Returns "" on success, else why the request cannot be signed (its
// URL does not parse).
std::string sign_request(HttpRequest& request, const SigningParams& params);

}  // namespace switchboard::providers::sigv4
