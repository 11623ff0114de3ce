#pragma once
// Values of the shared HTTP(S) client: URLs, requests, responses, transport errors, and the
// translation of an HTTP result into a DeliveryOutcome. No Beast or Asio types here: this
// header and http_types.cpp compile in a second, and unit tests use them directly.
//
// Everything in this file is a pure function or a plain value: thread-safe, never blocks,
// reports errors as values.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "providers/delivery_outcome.h"

namespace switchboard::providers {

// ---------------------------------------------------------------------------------------
// URLs

// An absolute http(s) URL split into what the client needs.
struct Url {
  bool tls = false;           // https
  std::string host;           // lower-cased; IPv6 literals without the brackets
  std::uint16_t port = 0;     // the explicit port, else 80 / 443
  std::string target;         // path and query ("/" when the URL has no path); no fragment
  bool ipv6_literal = false;  // host was written as [v6]

  std::string_view scheme() const noexcept { return tls ? "https" : "http"; }
  // The Host header value: host, bracketed when IPv6, with ":port" unless it is the default.
  std::string host_header() const;
  // "scheme://host:port": connections are pooled per origin.
  std::string origin() const;
};

struct UrlParse {
  std::optional<Url> url;  // set on success
  std::string error;       // otherwise: what is wrong, one line
};

// Parses "http://host[:port][/path][?query][#fragment]" and "https://...". Rejects other
// schemes, user info ("user:pass@"), empty hosts, bad ports, and characters a request
// line cannot carry (spaces, control characters).
UrlParse parse_url(std::string_view text);

// ---------------------------------------------------------------------------------------
// Requests, responses, results

enum class HttpMethod : std::uint8_t { kGet, kPost, kPut, kPatch, kDelete, kHead };
std::string_view http_method_name(HttpMethod method) noexcept;

struct HttpHeaderField {
  std::string name;
  std::string value;
};
using HttpHeaderFields = std::vector<HttpHeaderField>;

struct HttpRequest {
  HttpMethod method = HttpMethod::kPost;
  std::string url;           // absolute http:// or https:// URL
  HttpHeaderFields headers;  // sent as given; Host, User-Agent and Content-Length are added
                             // unless present (Content-Length is always computed)
  std::string body;
  // When set, sent instead of `body`, without a copy: a body shared by several requests
  // (the webhook sends the event as consumed to every target).
  std::shared_ptr<const std::string> shared_body;
  // Overrides HttpClientOptions::request_timeout for this request (write + read).
  std::optional<std::chrono::milliseconds> timeout;
};

struct HttpResponse {
  int status = 0;
  HttpHeaderFields headers;  // names lower-cased, in arrival order, repeats kept
  std::string body;

  // The first value of header `lower_name` (pass it lower-case), or nullptr.
  const std::string* header(std::string_view lower_name) const noexcept;
};

// Why no HTTP response was received.
enum class TransportErrorKind : std::uint8_t {
  kTimeout,         // a deadline expired (DNS, connect, handshake, write or read)
  kConnect,         // TCP connect failed (refused, unreachable)
  kTls,             // TLS handshake or certificate verification failed
  kReset,           // the connection was closed or reset during the exchange
  kDns,             // the host name did not resolve
  kProtocol,        // the answer was not valid HTTP/1.x (or exceeded the size limits)
  kOverloaded,      // the per-origin queue was full: nothing was sent
  kCancelled,       // the client was destroyed before the request completed
  kInvalidRequest,  // bad URL or request: nothing was sent
};
std::string_view transport_error_kind_name(TransportErrorKind kind) noexcept;

struct TransportError {
  TransportErrorKind kind = TransportErrorKind::kConnect;
  std::string message;  // one line, e.g. "certificate verify failed (self-signed certificate)"
};

// Either a response (any status) or a transport error.
class HttpResult {
 public:
  HttpResult(HttpResponse response) : value_(std::move(response)) {}   // NOLINT: implicit on purpose
  HttpResult(TransportError error) : value_(std::move(error)) {}        // NOLINT: implicit on purpose

  bool ok() const noexcept { return value_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }
  // Precondition: ok().
  const HttpResponse& response() const { return std::get<0>(value_); }
  HttpResponse& response() { return std::get<0>(value_); }
  // Precondition: !ok().
  const TransportError& error() const { return std::get<1>(value_); }

 private:
  std::variant<HttpResponse, TransportError> value_;
};

// ---------------------------------------------------------------------------------------
// Classification

// Parses a Retry-After value: delta-seconds ("120") or an HTTP-date (IMF-fixdate
// "Sun, 06 Nov 1994 08:49:37 GMT", obsolete RFC 850 and asctime forms), relative to `now`.
// A date in the past gives 0 ms. Returns nullopt when the value is neither.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now);

// One attempt's outcome from an HTTP result (contract section 5):
//  - 2xx: kSent, provider_message_id from the `x-message-id` header when present (adapters
//    that find their id in the body set it themselves);
//  - other statuses: classify_http_status(), http_status set, retry_after from Retry-After,
//    error "HTTP <status>" plus a short single-line excerpt of the body;
//  - transport errors: kRetryable with "<kind>: <message>", except kInvalidRequest, which
//    is kPermanent (retrying cannot fix a bad URL).
DeliveryOutcome outcome_from_http(const HttpResult& result);
DeliveryOutcome outcome_from_http(const HttpResult& result, std::chrono::system_clock::time_point now);

}  // namespace switchboard::providers
