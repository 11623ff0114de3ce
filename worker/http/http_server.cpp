// The only translation unit with Beast server templates (each such unit costs ~40 s to
// compile on 2 cores). One coroutine per connection, running on the connection's strand.

#include "worker/http/http_server.h"

#include <utility>  // before Asio: g++ 12 misses it in boost/asio/awaitable.hpp

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>
#include <optional>
#include <system_error>
#include <unordered_map>
#include <vector>

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/basic_stream.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "worker/logging.h"

// g++ 12 with -fsanitize (scripts/test.sh's ASan build) reports -Wmismatched-new-delete on
// every coroutine here: Asio's awaitable frames are allocated and freed by the matching
// awaitable_frame_base::operator new/delete, but the check loses track of that. False
// positive, so off for this translation unit only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace switchboard::http {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Strand = asio::strand<asio::io_context::executor_type>;
using Stream = beast::basic_stream<tcp, Strand>;
using Clock = std::chrono::steady_clock;

// After answering an error mid-request, keep reading (and discarding) what the client still
// sends for a moment, so it can finish writing and read our answer instead of a reset.
constexpr std::size_t kLingerBytes = 8 << 20;
constexpr std::chrono::seconds kLingerTime{2};
constexpr std::size_t kFirstReadBytes = 4096;

auto redirect(beast::error_code& ec) { return asio::redirect_error(asio::use_awaitable, ec); }

std::string error_json(int status, std::string_view message) {
  std::string out = "{\"statusCode\":" + std::to_string(status) + ",\"error\":\"";
  out += reason_phrase(status);
  out += "\",\"message\":\"";
  out += message;  // fixed texts only: no escaping needed
  out += "\"}";
  return out;
}

}  // namespace

class Session;

struct detail::ServerCore : std::enable_shared_from_this<detail::ServerCore> {
  ServerCore(asio::io_context& io_context, HttpServerOptions server_options, Handler request_handler)
      : io(io_context),
        options(std::move(server_options)),
        handler(std::move(request_handler)),
        strand(asio::make_strand(io_context)),
        acceptor(strand),
        drain_timer(strand) {}

  static asio::awaitable<void> accept_loop(std::shared_ptr<detail::ServerCore> self);
  void begin_stop(std::function<void()> done);
  void add(Session* session, const std::shared_ptr<Session>& owner);
  void remove(Session* session);
  void finish_if_drained();  // under mutex
  void close_all();

  asio::io_context& io;
  HttpServerOptions options;
  Handler handler;
  Strand strand;  // the acceptor's
  tcp::acceptor acceptor;
  asio::steady_timer drain_timer;
  std::uint16_t bound_port = 0;

  std::atomic<bool> stopping{false};
  std::atomic<std::uint64_t> accepted{0};
  std::atomic<std::uint64_t> requests{0};

  std::mutex mutex;  // guards the members below
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;
  bool accepting = false;
  bool finished = false;
  std::function<void()> on_stopped;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(std::shared_ptr<detail::ServerCore> server, Stream::socket_type socket)
      : server_(std::move(server)), stream_(std::move(socket)), wait_timer_(stream_.get_executor()) {}
  ~Session() { server_->remove(this); }

  Strand executor() { return stream_.get_executor(); }
  static asio::awaitable<void> run(std::shared_ptr<Session> self);

  // Both run on the session's strand.
  void request_stop() {
    stopping_ = true;
    if (idle_) stream_.cancel();
  }
  void force_close() {
    stopping_ = true;
    wait_timer_.cancel();
    beast::error_code ec;
    stream_.socket().close(ec);
  }
  void deliver(std::uint64_t seq, HttpResponse response) {
    if (seq != seq_ || answer_) return;  // a late or repeated answer
    answer_ = std::move(response);
    wait_timer_.cancel();
  }

 private:
  asio::awaitable<void> serve();
  asio::awaitable<HttpResponse> call_handler(HttpRequest request);
  asio::awaitable<bool> write(HttpResponse response, unsigned version, bool keep_alive);
  asio::awaitable<void> answer_error_and_linger(int status, std::string_view message, unsigned version);

  std::shared_ptr<detail::ServerCore> server_;
  Stream stream_;
  beast::flat_buffer buffer_;
  asio::steady_timer wait_timer_;  // the handler's deadline; cancelled by its answer
  std::optional<HttpResponse> answer_;
  std::uint64_t seq_ = 0;  // the request being handled; answers for others are dropped
  bool idle_ = false;      // waiting for the next request: stop() may close now
  bool stopping_ = false;
};

namespace {

// The state behind one Responder: forwards the first answer to the session's strand, and
// answers 500 if the handler drops it without answering.
class AnswerSlot {
 public:
  AnswerSlot(std::weak_ptr<Session> session, Strand strand, std::uint64_t seq)
      : session_(std::move(session)), strand_(std::move(strand)), seq_(seq) {}
  ~AnswerSlot() {
    if (!fired_.exchange(true)) {
      post(HttpResponse::json(500, error_json(500, "the request handler did not answer")));
    }
  }
  AnswerSlot(const AnswerSlot&) = delete;
  AnswerSlot& operator=(const AnswerSlot&) = delete;

  void fire(HttpResponse response) {
    if (fired_.exchange(true)) return;
    if (strand_.running_in_this_thread()) {
      if (auto s = session_.lock()) s->deliver(seq_, std::move(response));
      return;
    }
    post(std::move(response));
  }

 private:
  void post(HttpResponse response) {
    asio::post(strand_, [session = session_, seq = seq_, r = std::move(response)]() mutable {
      if (auto s = session.lock()) s->deliver(seq, std::move(r));
    });
  }

  std::weak_ptr<Session> session_;
  Strand strand_;
  std::uint64_t seq_;
  std::atomic<bool> fired_{false};
};

// Beast 1.74 speaks boost::string_view.
template <typename View>
std::string_view std_view(const View& v) noexcept {
  return {v.data(), v.size()};
}

HttpRequest to_request(bhttp::request<bhttp::string_body>&& message) {
  HttpRequest request;
  request.method = std::string(std_view(message.method_string()));
  request.target = std::string(std_view(message.target()));
  request.version = message.version();
  request.headers.reserve(8);
  for (const auto& field : message) {
    request.headers.push_back({ascii_lower(std_view(field.name_string())), std::string(std_view(field.value()))});
  }
  request.body = std::move(message.body());
  return request;
}

bool is_http_error(const beast::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::body_limit).category();
}

}  // namespace

asio::awaitable<void> Session::run(std::shared_ptr<Session> self) {
  try {
    co_await self->serve();
  } catch (const std::exception& e) {
    spdlog::warn(R"("msg":"http connection failed","error":{})", worker::log_quote(e.what()));
  }
  beast::error_code ec;
  self->stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  self->stream_.socket().close(ec);
}

asio::awaitable<void> Session::serve() {
  const HttpServerOptions& o = server_->options;
  beast::error_code ec;
  for (;;) {
    // Idle: wait for the first byte of the next request.
    if (buffer_.size() == 0) {
      if (stopping_) co_return;
      idle_ = true;
      stream_.expires_after(o.idle_timeout);
      const std::size_t n = co_await stream_.async_read_some(buffer_.prepare(kFirstReadBytes), redirect(ec));
      idle_ = false;
      if (ec) co_return;  // closed, reset, idle timeout or stop()
      buffer_.commit(n);
    }

    // Receive the request: header, optional 100 Continue, body; all within read_timeout.
    const auto started = Clock::now();
    stream_.expires_after(o.read_timeout);
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(o.max_header_bytes);
    parser.body_limit(o.max_body_bytes);
    co_await bhttp::async_read_header(stream_, buffer_, parser, redirect(ec));
    if (!ec && !parser.is_done()) {
      const auto expect = parser.get()[bhttp::field::expect];
      if (iequals(std_view(expect), "100-continue")) {
        bhttp::response<bhttp::empty_body> go_on{bhttp::status::continue_, parser.get().version()};
        co_await bhttp::async_write(stream_, go_on, redirect(ec));
        if (ec) co_return;
      }
      co_await bhttp::async_read(stream_, buffer_, parser, redirect(ec));
    }
    if (ec) {
      const unsigned version = parser.is_header_done() ? parser.get().version() : 11;
      if (ec == bhttp::error::body_limit) {
        co_await answer_error_and_linger(413, "request body larger than " + std::to_string(o.max_body_bytes) + " bytes",
                                         version);
      } else if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow) {
        co_await answer_error_and_linger(431, "request header block too large", version);
      } else if (is_http_error(ec) && ec != bhttp::error::partial_message && ec != bhttp::error::end_of_stream) {
        co_await answer_error_and_linger(400, "malformed HTTP request", version);
      }
      co_return;  // timeouts, resets and closes end the connection silently
    }
    stream_.expires_never();
    server_->requests.fetch_add(1, std::memory_order_relaxed);

    bhttp::request<bhttp::string_body> message = parser.release();
    const unsigned version = message.version();
    bool keep_alive = message.keep_alive();
    const std::string method(std_view(message.method_string()));
    const std::string target(std_view(message.target()));
    HttpResponse response = co_await call_handler(to_request(std::move(message)));
    if (const std::string* connection = response.header("Connection"); connection && iequals(*connection, "close")) {
      keep_alive = false;
    }
    keep_alive = keep_alive && !stopping_;
    const int status = response.status;
    const bool written = co_await write(std::move(response), version, keep_alive);
    if (spdlog::should_log(spdlog::level::debug)) {
      const double ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
      const std::string_view path = std::string_view(target).substr(0, std::min<std::size_t>(target.find('?'), 200));
      spdlog::debug(R"("msg":"http request","method":{},"path":{},"status":{},"ms":{:.3f})",
                    worker::log_quote(std::string_view(method).substr(0, 16)), worker::log_quote(path), status, ms);
    }
    if (!written || !keep_alive) co_return;
  }
}

asio::awaitable<HttpResponse> Session::call_handler(HttpRequest request) {
  const std::uint64_t seq = ++seq_;
  answer_.reset();
  auto slot = std::make_shared<AnswerSlot>(weak_from_this(), stream_.get_executor(), seq);
  try {
    server_->handler(std::move(request), [slot](HttpResponse r) { slot->fire(std::move(r)); });
  } catch (const std::exception& e) {
    spdlog::error(R"("msg":"http handler threw","error":{})", worker::log_quote(e.what()));
    deliver(seq, HttpResponse::json(500, error_json(500, "internal error")));
  }
  slot.reset();  // only the handler's copies keep it now
  if (!answer_) {
    beast::error_code ec;
    wait_timer_.expires_after(server_->options.handler_timeout);
    co_await wait_timer_.async_wait(redirect(ec));
  }
  if (!answer_) {
    ++seq_;  // an answer arriving later is dropped
    HttpResponse timeout = HttpResponse::json(503, error_json(503, "the request took too long; retry later"));
    timeout.set_header("Retry-After", "1");
    co_return timeout;
  }
  HttpResponse out = std::move(*answer_);
  answer_.reset();
  co_return out;
}

asio::awaitable<bool> Session::write(HttpResponse response, unsigned version, bool keep_alive) {
  if (response.status < 100 || response.status > 999) {
    response = HttpResponse::json(500, error_json(500, "internal error"));
  }
  bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(response.status), version};
  for (HttpHeader& h : response.headers) {
    if (iequals(h.name, "Content-Length") || iequals(h.name, "Transfer-Encoding") || iequals(h.name, "Connection")) {
      continue;
    }
    res.insert(h.name, h.value);
  }
  res.set(bhttp::field::server, server_->options.server_name);
  res.body() = std::move(response.body);
  res.keep_alive(keep_alive);
  res.prepare_payload();
  beast::error_code ec;
  stream_.expires_after(server_->options.write_timeout);
  co_await bhttp::async_write(stream_, res, redirect(ec));
  stream_.expires_never();
  co_return !ec;
}

asio::awaitable<void> Session::answer_error_and_linger(int status, std::string_view message, unsigned version) {
  if (!co_await write(HttpResponse::json(status, error_json(status, message)), version, false)) co_return;
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream_.expires_after(kLingerTime);
  std::vector<char> sink(64 * 1024);
  for (std::size_t drained = 0; drained < kLingerBytes;) {
    drained += co_await stream_.async_read_some(asio::buffer(sink), redirect(ec));
    if (ec) break;
  }
}

// ---- the server ---------------------------------------------------------------------------

asio::awaitable<void> detail::ServerCore::accept_loop(std::shared_ptr<detail::ServerCore> self) {
  asio::steady_timer backoff(self->strand);
  for (;;) {
    beast::error_code ec;
    auto socket = co_await self->acceptor.async_accept(asio::make_strand(self->io), redirect(ec));
    if (self->stopping.load() || ec == asio::error::operation_aborted || !self->acceptor.is_open()) break;
    if (ec) {
      // Out of descriptors and the like: say so, and retry shortly instead of spinning.
      spdlog::warn(R"("msg":"http accept failed","error":{})", worker::log_quote(ec.message()));
      backoff.expires_after(std::chrono::milliseconds(50));
      co_await backoff.async_wait(redirect(ec));
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    auto session = std::make_shared<Session>(self, std::move(socket));
    self->accepted.fetch_add(1, std::memory_order_relaxed);
    self->add(session.get(), session);
    asio::co_spawn(session->executor(), Session::run(session), asio::detached);
  }
  std::lock_guard lock(self->mutex);
  self->accepting = false;
  self->finish_if_drained();
}

void detail::ServerCore::add(Session* session, const std::shared_ptr<Session>& owner) {
  std::lock_guard lock(mutex);
  sessions.emplace(session, owner);
}

void detail::ServerCore::remove(Session* session) {
  std::lock_guard lock(mutex);
  sessions.erase(session);
  finish_if_drained();
}

void detail::ServerCore::finish_if_drained() {
  if (!stopping.load() || finished || accepting || !sessions.empty()) return;
  finished = true;
  asio::post(strand, [self = shared_from_this()] { self->drain_timer.cancel(); });
  if (on_stopped) asio::post(io, std::move(on_stopped));
  on_stopped = nullptr;
}

void detail::ServerCore::close_all() {
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(mutex);
    for (auto& [raw, weak] : sessions) {
      if (auto s = weak.lock()) live.push_back(std::move(s));
    }
  }
  for (auto& s : live) asio::post(s->executor(), [s] { s->force_close(); });
}

void detail::ServerCore::begin_stop(std::function<void()> done) {
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(mutex);
    if (finished) {
      if (done) asio::post(io, std::move(done));
      return;
    }
    on_stopped = std::move(done);
    if (stopping.exchange(true)) return;  // already draining: `done` replaced
    for (auto& [raw, weak] : sessions) {
      if (auto s = weak.lock()) live.push_back(std::move(s));
    }
  }
  beast::error_code ec;
  acceptor.close(ec);
  for (auto& s : live) asio::post(s->executor(), [s] { s->request_stop(); });
  drain_timer.expires_after(options.drain_timeout);
  drain_timer.async_wait([self = shared_from_this()](const beast::error_code& wait_ec) {
    if (!wait_ec) self->close_all();
  });
  std::lock_guard lock(mutex);
  finish_if_drained();
}

HttpServer::HttpServer(asio::io_context& io, HttpServerOptions options, Handler handler)
    : impl_(std::make_shared<detail::ServerCore>(io, std::move(options), std::move(handler))) {}

HttpServer::~HttpServer() {
  impl_->stopping.store(true);
  beast::error_code ec;
  impl_->acceptor.close(ec);
  impl_->close_all();
}

std::uint16_t HttpServer::listen() {
  const std::string where = impl_->options.bind + ":" + std::to_string(impl_->options.port);
  beast::error_code ec;
  const auto address = asio::ip::make_address(impl_->options.bind, ec);
  if (ec) throw std::runtime_error("cannot listen on " + where + ": not an IP address");
  const tcp::endpoint endpoint(address, impl_->options.port);
  tcp::acceptor& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    beast::error_code ignored;
    acceptor.close(ignored);
    throw std::runtime_error("cannot listen on " + where + ": " + ec.message());
  }
  impl_->bound_port = acceptor.local_endpoint().port();
  {
    std::lock_guard lock(impl_->mutex);
    impl_->accepting = true;
  }
  asio::co_spawn(impl_->strand, detail::ServerCore::accept_loop(impl_), asio::detached);
  return impl_->bound_port;
}

std::uint16_t HttpServer::port() const noexcept { return impl_->bound_port; }

void HttpServer::stop(std::function<void()> done) {
  asio::post(impl_->strand, [impl = impl_, done = std::move(done)]() mutable { impl->begin_stop(std::move(done)); });
}

HttpServerStats HttpServer::stats() const noexcept {
  HttpServerStats s;
  s.connections_accepted = impl_->accepted.load(std::memory_order_relaxed);
  s.requests = impl_->requests.load(std::memory_order_relaxed);
  std::lock_guard lock(impl_->mutex);
  s.connections_open = impl_->sessions.size();
  return s;
}

}  // namespace switchboard::http
