#pragma once
// Plain HTTP/1.1 request and response values, free of Beast and Asio types, so handlers
// (the management API, later /healthz, /readyz and /metrics of the worker) compile
// without the ~40 s Beast templates. The server in http_server.h produces and consumes them.

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace switchboard::http {

struct HttpHeader {
  std::string name;  // lower-case in requests; as given in responses
  std::string value;
};

struct HttpRequest {
  std::string method;               // as sent: "GET", "POST", ...
  std::string target;               // request-target as sent: "/v1/integrations?x=1"
  std::vector<HttpHeader> headers;  // names lower-cased, in arrival order, repeats kept
  std::string body;
  unsigned version = 11;  // 10 for HTTP/1.0, 11 for HTTP/1.1

  // The first value of header `lower_name` (which must be lower-case), or nullptr.
  const std::string* header(std::string_view lower_name) const noexcept {
    for (const HttpHeader& h : headers) {
      if (h.name == lower_name) return &h.value;
    }
    return nullptr;
  }
  // The target without its query string.
  std::string_view path() const noexcept {
    const std::string_view t(target);
    return t.substr(0, t.find('?'));
  }
};

struct HttpResponse {
  int status = 200;
  std::vector<HttpHeader> headers;  // Content-Length and Connection are set by the server
  std::string body;

  // Replaces every header of that name (compared case-insensitively), or adds it.
  void set_header(std::string name, std::string value);
  // The first value of header `name` (case-insensitive), or nullptr.
  const std::string* header(std::string_view name) const noexcept;

  static HttpResponse json(int status, std::string body) {
    HttpResponse r;
    r.status = status;
    r.headers.push_back({"Content-Type", "application/json"});
    r.body = std::move(body);
    return r;
  }
};

// Completes one request. Call exactly once, from any thread; later calls are ignored.
// Dropping it uncalled answers 500.
using Responder = std::function<void(HttpResponse)>;
// Serves one request. Runs on the server's io_context thread; may answer before returning
// or later (e.g. from a store callback).
using Handler = std::function<void(HttpRequest, Responder)>;

// ASCII case-insensitive equality, for header names and tokens.
bool iequals(std::string_view a, std::string_view b) noexcept;
// `s` with ASCII upper-case letters lowered (header names, media types).
std::string ascii_lower(std::string_view s);

// The standard reason phrase of `status` ("Not Found"), or "Unknown".
std::string_view reason_phrase(int status) noexcept;

}  // namespace switchboard::http
