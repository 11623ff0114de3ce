#pragma once
// The HTTP/1.1 client every provider adapter shares: HTTP and HTTPS (OpenSSL), keep-alive
// connection pools per origin, bounded queues, async DNS with a small cache, and a deadline
// on every step. Every Beast/Asio template lives in http_client.cpp; this header names no
// Beast type.
//
// Pools: one per origin (scheme, host, port), at most `max_connections_per_host`
// connections each (connecting, busy or idle). A request takes the most recently used idle
// connection, else opens a new one, else waits in the origin's FIFO queue; when the queue
// holds `max_queued_per_host` requests, request() fails at once with kOverloaded.
// Connections are closed after an error, when the server does not keep them alive, and
// after `idle_timeout` unused. A request that fails on a *reused* connection before any
// byte of the answer arrived (the server closed a stale keep-alive connection) is sent once
// more on a new connection; no other failure is retried here: retries with backoff belong
// to the dispatcher. Idle connections are not probed before reuse (a syscall per request):
// one the server closed while idle fails that way, and the retry covers it.
//
// Deadlines: DNS, TCP connect and TLS handshake each get `connect_timeout`; writing the
// request and reading the answer share `request_timeout` (or HttpRequest::timeout),
// counted from when the request got its connection. Time spent in the queue is not
// counted; the queue bound limits it.
//
// TLS: certificates are verified against the system's default CA paths plus `ca_file`,
// with host name (or IP address) verification, and SNI for host names.
//
// Threading: request() may be called from any thread. All work runs on one strand of the
// io_context, so the io_context may be run by one or several threads; callbacks are called
// on that strand, one at a time, and never from inside request(). With
// `single_threaded_io` the client promises itself that one thread runs the io_context and
// skips the strand (a strand hop per handler), which is then redundant.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "providers/http/http_types.h"

namespace boost::asio {
class io_context;
}

namespace switchboard::providers {

struct HttpClientOptions {
  std::size_t max_connections_per_host = 64;     // per origin: connecting + busy + idle
  std::size_t max_queued_per_host = 10'000;      // requests waiting for a connection, per origin
  std::chrono::milliseconds connect_timeout{5'000};   // each of DNS, TCP connect, TLS handshake
  std::chrono::milliseconds request_timeout{10'000};  // write the request + read the answer
  std::chrono::milliseconds idle_timeout{30'000};     // an unused keep-alive connection is closed
  std::chrono::seconds dns_ttl{60};              // how long a resolved host is reused
  std::string ca_file;                           // extra PEM CA bundle, in addition to the system's
  bool verify_peer = true;                       // false: accept any certificate (tests only)
  std::string user_agent = "switchboard/0.1";    // unless the request sets User-Agent
  std::size_t max_response_body_bytes = 8 << 20; // larger answers fail with kProtocol
  bool single_threaded_io = false;               // true only if exactly one thread runs the io_context
};

// Called exactly once per request with the response (any status) or a transport error,
// unless the io_context is stopped or destroyed first. Must not throw.
using HttpCallback = std::function<void(HttpResult)>;

// Counters, for tests and metrics.
struct HttpClientStats {
  std::uint64_t requests = 0;              // request() calls
  std::uint64_t connections_opened = 0;    // TCP connections attempted
  std::uint64_t connections_reused = 0;    // requests sent on a kept-alive connection
  std::uint64_t stale_retries = 0;         // requests re-sent after a stale keep-alive failure
  std::uint64_t overloaded = 0;            // requests refused because a queue was full
};

class HttpClient {
 public:
  // Throws std::runtime_error when `ca_file` cannot be loaded.
  HttpClient(boost::asio::io_context& io, HttpClientOptions options = {});
  // Closes every connection and refuses new requests (at once when called on the client's
  // strand, e.g. from a callback; else as soon as the io_context runs the posted shutdown).
  // Requests still in flight or queued complete later, on the io_context, with kCancelled.
  // If the io_context never runs again, their callbacks are destroyed uncalled with it.
  // Destroy the client before its io_context.
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Starts one request; returns at once. Never throws for a bad URL or a full queue: the
  // callback gets kInvalidRequest or kOverloaded.
  void request(HttpRequest request, HttpCallback callback);

  // A snapshot of the counters (safe from any thread; values may lag by a few requests).
  HttpClientStats stats() const noexcept;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace switchboard::providers
