#include "providers/adapters/aws_sigv4.h"

#include <algorithm>
#include <ctime>
#include <map>
#include <utility>
#include <vector>

#include "providers/adapters/adapter_support.h"

namespace switchboard::providers::sigv4 {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); });
  return out;
}

// Trims the value and collapses inner runs of spaces, as the canonical headers require.
std::string canonical_value(std::string_view value) {
  std::string out;
  bool space = false;
  for (const char c : value) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

// Names (lower-cased, sorted) to their values joined with ',' in the order given.
std::map<std::string, std::string> canonical_header_map(const HttpHeaderFields& headers) {
  std::map<std::string, std::string> map;
  for (const HttpHeaderField& field : headers) {
    auto [it, inserted] = map.try_emplace(lower(field.name), canonical_value(field.value));
    if (!inserted) {
      it->second += ',';
      it->second += canonical_value(field.value);
    }
  }
  return map;
}


std::string canonical_uri(std::string_view path) {
  if (path.empty()) return "/";
  std::string out;
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = path.find('/', start);
    out += percent_encode(path.substr(start, slash - start));
    if (slash == std::string_view::npos) break;
    out.push_back('/');
    start = slash + 1;
  }
  return out;
}

std::string canonical_query(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> pairs;
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    const std::string_view value = eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    pairs.emplace_back(percent_encode(percent_decode(pair.substr(0, eq))), percent_encode(percent_decode(value)));
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const auto& [key, value] : pairs) {
    if (!out.empty()) out.push_back('&');
    out += key;
    out.push_back('=');
    out += value;
  }
  return out;
}


}  // namespace

std::string amz_date(std::chrono::system_clock::time_point when) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[20];
  const std::size_t n = std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &tm);
  return std::string(text, n);
}

std::string canonical_request(std::string_view method, std::string_view path, std::string_view query,
                              const HttpHeaderFields& headers, std::string_view payload_sha256_hex) {
  std::string out(method);
  out += '\n';
  out += canonical_uri(path);
  out += '\n';
  out += canonical_query(query);
  out += '\n';
  for (const auto& [name, value] : canonical_header_map(headers)) {
    out += name;
    out += ':';
    out += value;
    out += '\n';
  }
  out += '\n';
  out += signed_headers(headers);
  out += '\n';
  out += payload_sha256_hex;
  return out;
}

std::string signed_headers(const HttpHeaderFields& headers) {
  std::string out;
  for (const auto& entry : canonical_header_map(headers)) {
    if (!out.empty()) out += ';';
    out += entry.first;
  }
  return out;
}

std::string credential_scope(const Scope& scope) {
  std::string out(scope.date);
  out += '/';
  out += scope.region;
  out += '/';
  out += scope.service;
  out += "/aws4_request";
  return out;
}

std::string string_to_sign(std::string_view amz_date_value, const Scope& scope, std::string_view canonical_request) {
  std::string out(kAlgorithm);
  out += '\n';
  out += amz_date_value;
  out += '\n';
  out += credential_scope(scope);
  out += '\n';
  out += sha256_hex(canonical_request);
  return out;
}

std::string signing_key(std::string_view secret_access_key, const Scope& scope) {
  std::string key = "AWS4";
  key += secret_access_key;
  key = hmac_sha256_raw(key, scope.date);
  key = hmac_sha256_raw(key, scope.region);
  key = hmac_sha256_raw(key, scope.service);
  return hmac_sha256_raw(key, "aws4_request");
}

std::string signature(std::string_view signing_key_bytes, std::string_view string_to_sign_value) {
  return lower_hex(hmac_sha256_raw(signing_key_bytes, string_to_sign_value));
}

std::string authorization_header(std::string_view access_key_id, const Scope& scope,
                                 std::string_view signed_header_names, std::string_view signature_hex) {
  std::string out(kAlgorithm);
  out += " Credential=";
  out += access_key_id;
  out += '/';
  out += credential_scope(scope);
  out += ", SignedHeaders=";
  out += signed_header_names;
  out += ", Signature=";
  out += signature_hex;
  return out;
}

std::string sign_request(HttpRequest& request, const SigningParams& params) {
  const UrlParse parsed = parse_url(request.url);
  if (!parsed.url) return "cannot sign a request to '" + request.url + "': " + parsed.error;
  const Url& url = *parsed.url;
  const std::string date_time = amz_date(params.now);
  const std::string payload_hash = sha256_hex(request.body);

  request.headers.push_back({"host", url.host_header()});
  request.headers.push_back({"x-amz-date", date_time});
  if (params.add_content_sha256) request.headers.push_back({"x-amz-content-sha256", payload_hash});

  const std::string_view target = url.target;
  const std::size_t question = target.find('?');
  const std::string_view path = target.substr(0, question);
  const std::string_view query = question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);
  const std::string date = date_time.substr(0, 8);
  const Scope scope{date, params.region, params.service};

  const std::string canonical =
      canonical_request(http_method_name(request.method), path, query, request.headers, payload_hash);
  const std::string signature_hex =
      signature(signing_key(params.secret_access_key, scope), string_to_sign(date_time, scope, canonical));
  request.headers.push_back({"authorization", authorization_header(params.access_key_id, scope,
                                                                   signed_headers(request.headers), signature_hex)});
  return {};
}

}  // namespace switchboard::providers::sigv4
