#pragma once
// A small HTTP/1.1 keep-alive server (plain HTTP) on Boost.Beast. Every Beast template
// lives in http_server.cpp; this header names no Beast type, so users compile quickly.
//
// One request at a time per connection (pipelined requests are answered in order);
// `Expect: 100-continue` is honoured. Limits: header block (431), body (413, checked
// against Content-Length before the body is read), malformed requests (400): the server
// answers these itself as JSON `{"statusCode": N, "error": "...", "message": "..."}` and
// closes the connection. The time to receive a request once its first byte arrived, the
// idle time between requests and the time to write an answer close the connection
// silently when exceeded; a handler slower than `handler_timeout` gets 503 for it (its
// late answer is dropped). A handler that throws, or drops its Responder unanswered, gets
// 500. One debug log line per request (method, path without query, status, duration).
//
// Threading: accepts and serves on the given io_context. Each connection runs on its own
// strand, so running io_context::run() on several threads is safe for the server; the
// handler is then called from several threads. Construct, listen() and stop() from one
// thread; stats() from any. Nothing blocks except listen() (bind and listen).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "worker/http/http_message.h"

namespace boost::asio {
class io_context;
}

namespace switchboard::http {

namespace detail {
struct ServerCore;
}

struct HttpServerOptions {
  std::string bind = "127.0.0.1";                     // address to listen on
  std::uint16_t port = 0;                             // 0: an ephemeral port (see port())
  std::size_t max_body_bytes = 1 << 20;               // larger bodies get 413
  std::uint32_t max_header_bytes = 16 * 1024;         // larger header blocks get 431
  std::chrono::milliseconds read_timeout{10'000};     // first byte to complete request
  std::chrono::milliseconds idle_timeout{60'000};     // keep-alive wait for the next request
  std::chrono::milliseconds handler_timeout{10'000};  // handler answer; then 503
  std::chrono::milliseconds write_timeout{10'000};    // writing one answer
  std::chrono::milliseconds drain_timeout{10'000};    // stop(): busy connections get this long
  std::string server_name = "switchboard";            // the Server header
};

struct HttpServerStats {
  std::uint64_t connections_accepted = 0;
  std::uint64_t connections_open = 0;
  std::uint64_t requests = 0;
};

class HttpServer {
 public:
  HttpServer(boost::asio::io_context& io, HttpServerOptions options, Handler handler);
  // Closes the listener and every connection at once (prefer stop() first).
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds, listens and starts accepting (served once the io_context runs). Throws
  // std::runtime_error ("cannot listen on 127.0.0.1:8080: Address already in use") when
  // the address is bad or the port taken. Returns the bound port.
  std::uint16_t listen();
  std::uint16_t port() const noexcept;

  // Graceful stop: closes the listener, closes idle connections now, lets busy ones
  // finish their current request (answered with `Connection: close`), and closes what is
  // left after `drain_timeout`. `done` runs on the io_context once every connection is
  // gone. Calling it again only replaces `done` if the first has not run.
  void stop(std::function<void()> done = {});

  HttpServerStats stats() const noexcept;

 private:
  std::shared_ptr<detail::ServerCore> impl_;
};

}  // namespace switchboard::http
