// The HTTP(S) client: the only translation unit of providers/ with Beast and Asio templates
// (~40 s to compile). See http_client.h for the contract.
//
// Shape: ClientCore owns one Pool per origin. A Connection (plain or TLS, one template)
// carries one exchange at a time through resolve -> connect -> [handshake] -> write ->
// read, each step a small handler with its own deadline, then hands itself back to the
// core, which gives it the next queued request, parks it as idle, or closes it. Everything
// runs on one strand, or straight on the io_context when one thread runs it.

#include "providers/http/http_client.h"

#include <atomic>
#include <deque>
#include <optional>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

namespace switchboard::providers {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using Strand = asio::strand<asio::io_context::executor_type>;
using Executor = asio::any_io_executor;
using Endpoints = std::vector<tcp::endpoint>;
using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

char lower_ascii(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower_ascii(a[i]) != lower_ascii(b[i])) return false;
  }
  return true;
}

bool has_line_break(std::string_view s) noexcept { return s.find_first_of("\r\n") != std::string_view::npos; }

bhttp::verb to_verb(HttpMethod method) noexcept {
  switch (method) {
    case HttpMethod::kGet: return bhttp::verb::get;
    case HttpMethod::kPost: return bhttp::verb::post;
    case HttpMethod::kPut: return bhttp::verb::put;
    case HttpMethod::kPatch: return bhttp::verb::patch;
    case HttpMethod::kDelete: return bhttp::verb::delete_;
    case HttpMethod::kHead: return bhttp::verb::head;
  }
  return bhttp::verb::get;
}

// One request, across at most two attempts (the second only after a stale keep-alive).
// The message's body is a view of `body` or `shared_body`, which live as long as it.
struct Exchange {
  std::string body;
  std::shared_ptr<const std::string> shared_body;
  bhttp::request<bhttp::span_body<const char>> message;
  HttpCallback callback;
  std::chrono::milliseconds timeout{0};
  bool head = false;
  bool retried = false;
};
using ExchangePtr = std::unique_ptr<Exchange>;

void complete(Exchange& exchange, HttpResult result) {
  HttpCallback callback = std::move(exchange.callback);
  if (callback) callback(std::move(result));
}

enum class Phase : std::uint8_t { kResolve, kConnect, kHandshake, kWrite, kRead };

std::string_view phase_name(Phase phase) noexcept {
  switch (phase) {
    case Phase::kResolve: return "DNS lookup";
    case Phase::kConnect: return "connect";
    case Phase::kHandshake: return "TLS handshake";
    case Phase::kWrite: return "sending the request";
    case Phase::kRead: return "reading the response";
  }
  return "request";
}

// The server closed or reset the connection (as opposed to a timeout or garbage).
bool is_disconnect(const beast::error_code& ec) noexcept {
  return ec == asio::error::eof || ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == asio::error::connection_aborted || ec == asio::error::not_connected ||
         ec == bhttp::error::end_of_stream || ec == ssl::error::stream_truncated;
}

class Connection {
 public:
  virtual ~Connection() = default;
  // A new connection: resolve, connect, handshake, then send `exchange`.
  virtual void start(ExchangePtr exchange) = 0;
  // An established, idle connection: send `exchange` on it.
  virtual void send(ExchangePtr exchange) = 0;
  // Closes the socket at once; pending operations complete with operation_aborted.
  virtual void close() = 0;
  // Closes politely (TLS close_notify, bounded by a short deadline).
  virtual void retire() = 0;

  Clock::time_point idle_since{};
};
using ConnectionPtr = std::shared_ptr<Connection>;

struct Pool {
  Pool(Url o, const Executor& executor) : origin(std::move(o)), sweep(executor) {}
  Url origin;
  std::size_t open = 0;                // connecting + busy + idle
  std::vector<ConnectionPtr> idle;     // back: most recently used; front: idle longest
  std::deque<ExchangePtr> queue;       // waiting for a connection, FIFO
  asio::steady_timer sweep;            // closes connections idle too long
  bool sweep_armed = false;
};

// A DNS lookup in progress, shared by every connection that needs the same host.
struct PendingResolve {
  explicit PendingResolve(const Executor& executor) : resolver(executor), timer(executor) {}
  tcp::resolver resolver;
  asio::steady_timer timer;
  bool timed_out = false;
  std::vector<std::function<void(const beast::error_code&, const Endpoints&)>> waiters;
};

struct DnsEntry {
  Endpoints endpoints;
  Clock::time_point expires;
};

}  // namespace

// ---------------------------------------------------------------------------------------

class ClientCore : public std::enable_shared_from_this<ClientCore> {
 public:
  ClientCore(asio::io_context& io, HttpClientOptions options);

  const HttpClientOptions& options() const noexcept { return options_; }
  const Executor& executor() const noexcept { return executor_; }
  // Whether the caller runs on the client's strand (or on its io_context's thread).
  bool on_client_thread() const noexcept;
  bool closed() const noexcept { return closed_; }

  void submit(HttpRequest request, HttpCallback callback);
  void shutdown();

  // DNS with the TTL cache; literal IP addresses skip the resolver.
  void resolve(const Url& origin, std::function<void(const beast::error_code&, const Endpoints&)> done);

  // A connection finished an exchange: reuse it (queue or idle list) or close it.
  void release(Pool& pool, ConnectionPtr connection, bool keep_alive);
  // A connection failed and is closed: forget it, retry a stale keep-alive once, report.
  void failed(Pool& pool, Connection* connection, ExchangePtr exchange, bool stale, TransportError error);

  std::atomic<std::uint64_t> stat_requests{0};
  std::atomic<std::uint64_t> stat_opened{0};
  std::atomic<std::uint64_t> stat_reused{0};
  std::atomic<std::uint64_t> stat_stale_retries{0};
  std::atomic<std::uint64_t> stat_overloaded{0};

 private:
  Pool& pool_for(const Url& url);
  void acquire(Pool& pool, ExchangePtr exchange);
  bool send_on_idle(Pool& pool, ExchangePtr& exchange);
  void open_connection(Pool& pool, ExchangePtr exchange);
  void forget(Pool& pool, Connection* connection);
  void pump(Pool& pool);
  void arm_sweep(Pool& pool);
  void sweep(Pool& pool);
  void post_result(ExchangePtr exchange, TransportError error);

  asio::io_context& io_;
  std::optional<Strand> strand_;  // unless single_threaded_io
  Executor executor_;             // *strand_, or the io_context's
  HttpClientOptions options_;
  std::optional<ssl::context> tls_;  // built on first https request
  std::unordered_map<std::string, std::unique_ptr<Pool>> pools_;
  std::unordered_set<Connection*> live_;  // every connection not yet forgotten
  std::unordered_map<std::string, DnsEntry> dns_cache_;
  std::unordered_map<std::string, std::shared_ptr<PendingResolve>> resolving_;
  bool closed_ = false;

  ssl::context& tls_context();
};

namespace {

TransportError make_error(TransportErrorKind kind, std::string message) { return {kind, std::move(message)}; }

}  // namespace

// ---------------------------------------------------------------------------------------
// Connection: one socket, one exchange at a time.

template <class Stream>
class ConnectionImpl final : public Connection, public std::enable_shared_from_this<ConnectionImpl<Stream>> {
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

 public:
  // The core is held weakly: pools own idle connections and handlers own busy ones, so
  // no cycle keeps a destroyed client's core alive. A handler that finds the core gone
  // reports kCancelled.
  template <class... Args>
  ConnectionImpl(const std::shared_ptr<ClientCore>& core, Pool& pool, Args&&... stream_args)
      : core_(core),
        pool_(&pool),
        connect_timeout_(core->options().connect_timeout),
        max_body_(core->options().max_response_body_bytes),
        verify_peer_(core->options().verify_peer),
        stream_(std::forward<Args>(stream_args)...) {}

  void start(ExchangePtr exchange) override {
    current_ = std::move(exchange);
    reused_ = false;
    phase_ = Phase::kResolve;
    if (auto core = core_.lock()) {
      core->resolve(pool_->origin,
                    [self = this->shared_from_this()](const beast::error_code& ec, const Endpoints& eps) {
                      self->on_resolve(ec, eps);
                    });
    }
  }

  void send(ExchangePtr exchange) override {
    current_ = std::move(exchange);
    reused_ = true;
    write_request();
  }

  void close() override {
    beast::error_code ignored;
    tcp_layer().socket().shutdown(tcp::socket::shutdown_both, ignored);
    tcp_layer().close();
  }

  void retire() override {
    if constexpr (kTls) {
      // close_notify; the peer's answer (or stream_truncated, or nothing) ends it.
      tcp_layer().expires_after(std::chrono::seconds(1));
      stream_.async_shutdown([self = this->shared_from_this()](const beast::error_code&) { self->close(); });
    } else {
      close();
    }
  }

 private:
  beast::tcp_stream& tcp_layer() noexcept { return beast::get_lowest_layer(stream_); }

  // The core (and the pool) died while an operation was pending: report kCancelled.
  // The core is only destroyed on the strand, so once checked it lives through the handler.
  bool abandoned() {
    if (!core_.expired()) return false;
    close();
    if (ExchangePtr exchange = std::move(current_)) {
      complete(*exchange, make_error(TransportErrorKind::kCancelled, "the HTTP client was shut down"));
    }
    return true;
  }

  void on_resolve(const beast::error_code& ec, const Endpoints& endpoints) {
    if (abandoned()) return;
    if (ec) return fail(ec);
    phase_ = Phase::kConnect;
    tcp_layer().expires_after(connect_timeout_);
    tcp_layer().async_connect(endpoints, [self = this->shared_from_this()](const beast::error_code& e,
                                                                           const tcp::endpoint&) {
      self->on_connect(e);
    });
  }

  void on_connect(const beast::error_code& ec) {
    if (abandoned()) return;
    if (ec) return fail(ec);
    beast::error_code ignored;
    tcp_layer().socket().set_option(tcp::no_delay(true), ignored);
    if constexpr (kTls) {
      phase_ = Phase::kHandshake;
      const Url& origin = pool_->origin;
      beast::error_code not_ip;
      asio::ip::make_address(origin.host, not_ip);
      // SNI carries host names only (RFC 6066), never IP literals.
      if (not_ip && !SSL_set_tlsext_host_name(stream_.native_handle(), origin.host.c_str())) {
        return fail_with(make_error(TransportErrorKind::kTls, "cannot set SNI host name"));
      }
      if (verify_peer_) {
        stream_.set_verify_mode(ssl::verify_peer);
        stream_.set_verify_callback(ssl::host_name_verification(origin.host));
      } else {
        stream_.set_verify_mode(ssl::verify_none);
      }
      tcp_layer().expires_after(connect_timeout_);
      stream_.async_handshake(ssl::stream_base::client,
                              [self = this->shared_from_this()](const beast::error_code& e) { self->on_handshake(e); });
    } else {
      write_request();
    }
  }

  void on_handshake(const beast::error_code& ec) {
    if (abandoned()) return;
    if (ec) return fail(ec);
    write_request();
  }

  void write_request() {
    phase_ = Phase::kWrite;
    deadline_ = Clock::now() + current_->timeout;
    tcp_layer().expires_at(deadline_);
    bhttp::async_write(stream_, current_->message,
                       [self = this->shared_from_this()](const beast::error_code& ec, std::size_t) {
                         self->on_write(ec);
                       });
  }

  void on_write(const beast::error_code& ec) {
    if (abandoned()) return;
    if (ec) return fail(ec);
    phase_ = Phase::kRead;
    parser_.emplace();
    parser_->body_limit(max_body_);
    if (current_->head) parser_->skip(true);
    tcp_layer().expires_at(deadline_);
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = this->shared_from_this()](const beast::error_code& e, std::size_t) { self->on_read(e); });
  }

  void on_read(const beast::error_code& ec) {
    if (abandoned()) return;
    if (ec) return fail(ec);
    tcp_layer().expires_never();
    bhttp::response<bhttp::string_body> message = parser_->release();
    parser_.reset();
    HttpResponse response;
    response.status = static_cast<int>(message.result_int());
    response.headers.reserve(8);
    for (const auto& field : message) {
      HttpHeaderField out;
      const auto name = field.name_string();
      out.name.resize(name.size());
      for (std::size_t i = 0; i < name.size(); ++i) out.name[i] = lower_ascii(name[i]);
      const auto value = field.value();
      out.value.assign(value.data(), value.size());
      response.headers.push_back(std::move(out));
    }
    response.body = std::move(message.body());
    // Leftover bytes would belong to an answer nobody asked for: do not reuse then.
    const bool keep_alive = message.keep_alive() && buffer_.size() == 0;
    ExchangePtr exchange = std::move(current_);
    core_.lock()->release(*pool_, this->shared_from_this(), keep_alive);
    complete(*exchange, HttpResult(std::move(response)));
  }

  void fail(const beast::error_code& ec) {
    const bool got_bytes = (parser_ && parser_->got_some()) || buffer_.size() > 0;
    const bool stale = reused_ && (phase_ == Phase::kWrite || phase_ == Phase::kRead) && !got_bytes &&
                       is_disconnect(ec) && !current_->retried;
    fail_with(describe(ec), stale);
  }

  void fail_with(TransportError error, bool stale = false) {
    close();
    parser_.reset();
    buffer_.clear();
    ExchangePtr exchange = std::move(current_);
    core_.lock()->failed(*pool_, this, std::move(exchange), stale, std::move(error));
  }

  TransportError describe(const beast::error_code& ec) {
    if (ec == asio::error::operation_aborted && core_.lock()->closed()) {
      return make_error(TransportErrorKind::kCancelled, "the HTTP client was shut down");
    }
    std::string where(phase_name(phase_));
    if (ec == beast::error::timeout) {
      const auto limit =
          (phase_ == Phase::kWrite || phase_ == Phase::kRead) ? current_->timeout : connect_timeout_;
      return make_error(TransportErrorKind::kTimeout,
                        where + " timed out after " + std::to_string(limit.count()) + " ms");
    }
    switch (phase_) {
      case Phase::kResolve:
        return make_error(TransportErrorKind::kDns, "cannot resolve " + pool_->origin.host + ": " + ec.message());
      case Phase::kConnect:
        return make_error(TransportErrorKind::kConnect,
                          "cannot connect to " + pool_->origin.host_header() + ": " + ec.message());
      case Phase::kHandshake: {
        std::string message = "TLS handshake with " + pool_->origin.host_header() + " failed: " + ec.message();
        if constexpr (kTls) {
          const long verify = SSL_get_verify_result(stream_.native_handle());
          if (verify != X509_V_OK) {
            message += " (";
            message += X509_verify_cert_error_string(verify);
            message += ')';
          } else if (message.find("certificate verify failed") != std::string::npos) {
            // host_name_verification refused the leaf without setting an X509 error.
            message += " (the certificate does not name " + pool_->origin.host + ")";
          }
        }
        return make_error(TransportErrorKind::kTls, std::move(message));
      }
      case Phase::kWrite:
      case Phase::kRead:
        break;
    }
    if (ec == bhttp::error::partial_message) {
      return make_error(TransportErrorKind::kReset, "connection closed by the server in the middle of the response");
    }
    if (is_disconnect(ec)) {
      return make_error(TransportErrorKind::kReset,
                        "connection closed by the server while " + where + ": " + ec.message());
    }
    if (ec.category() == asio::error::get_ssl_category()) {
      return make_error(TransportErrorKind::kTls, "TLS error while " + where + ": " + ec.message());
    }
    if (ec.category() == bhttp::make_error_code(bhttp::error::body_limit).category()) {
      return make_error(TransportErrorKind::kProtocol, "invalid HTTP response: " + ec.message());
    }
    return make_error(TransportErrorKind::kReset, "connection error while " + where + ": " + ec.message());
  }

  std::weak_ptr<ClientCore> core_;
  Pool* pool_;  // owned by the core; used only while core_ is alive
  const std::chrono::milliseconds connect_timeout_;
  const std::size_t max_body_;
  const bool verify_peer_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::response_parser<bhttp::string_body>> parser_;
  ExchangePtr current_;
  Clock::time_point deadline_{};
  Phase phase_ = Phase::kResolve;
  bool reused_ = false;
};

// ---------------------------------------------------------------------------------------
// ClientCore

ClientCore::ClientCore(asio::io_context& io, HttpClientOptions options)
    : io_(io),
      strand_(options.single_threaded_io ? std::nullopt : std::optional<Strand>(asio::make_strand(io))),
      executor_(strand_ ? Executor(*strand_) : Executor(io.get_executor())),
      options_(std::move(options)) {
  if (options_.max_connections_per_host == 0) options_.max_connections_per_host = 1;
  if (!options_.ca_file.empty()) tls_context();  // fail at construction, not on the first send
}

bool ClientCore::on_client_thread() const noexcept {
  return strand_ ? strand_->running_in_this_thread() : io_.get_executor().running_in_this_thread();
}

ssl::context& ClientCore::tls_context() {
  if (tls_) return *tls_;
  ssl::context ctx(ssl::context::tls_client);
  ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                  ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  beast::error_code ec;
  ctx.set_default_verify_paths(ec);  // a machine without a system bundle still gets ca_file
  if (!options_.ca_file.empty()) {
    ctx.load_verify_file(options_.ca_file, ec);
    if (ec) {
      throw std::runtime_error("cannot load CA file '" + options_.ca_file + "': " + ec.message() +
                               ". Hint: point ca_file at a PEM bundle");
    }
  }
  tls_.emplace(std::move(ctx));
  return *tls_;
}

void ClientCore::submit(HttpRequest request, HttpCallback callback) {
  auto exchange = std::make_unique<Exchange>();
  exchange->callback = std::move(callback);
  if (closed_) {
    return complete(*exchange, make_error(TransportErrorKind::kCancelled, "the HTTP client was shut down"));
  }
  UrlParse parsed = parse_url(request.url);
  if (!parsed.url) {
    return complete(*exchange, make_error(TransportErrorKind::kInvalidRequest, "bad URL: " + parsed.error));
  }
  const Url& url = *parsed.url;

  auto& message = exchange->message;
  message.method(to_verb(request.method));
  message.target(url.target);
  message.version(11);
  bool has_host = false;
  bool has_agent = false;
  for (const HttpHeaderField& field : request.headers) {
    if (field.name.empty() || has_line_break(field.name) || has_line_break(field.value) ||
        field.name.find_first_of(": \t") != std::string::npos) {
      return complete(*exchange, make_error(TransportErrorKind::kInvalidRequest,
                                            "bad header name or value (line breaks are not allowed)"));
    }
    if (iequals(field.name, "content-length") || iequals(field.name, "transfer-encoding")) continue;
    has_host = has_host || iequals(field.name, "host");
    has_agent = has_agent || iequals(field.name, "user-agent");
    message.insert(field.name, field.value);
  }
  if (!has_host) message.set(bhttp::field::host, url.host_header());
  if (!has_agent && !options_.user_agent.empty()) message.set(bhttp::field::user_agent, options_.user_agent);
  if (request.shared_body) {
    exchange->shared_body = std::move(request.shared_body);
    message.body() = {exchange->shared_body->data(), exchange->shared_body->size()};
  } else {
    exchange->body = std::move(request.body);
    message.body() = {exchange->body.data(), exchange->body.size()};
  }
  message.prepare_payload();
  exchange->head = request.method == HttpMethod::kHead;
  exchange->timeout = request.timeout.value_or(options_.request_timeout);

  if (url.tls) {
    try {
      tls_context();
    } catch (const std::exception& e) {
      return complete(*exchange, make_error(TransportErrorKind::kTls, e.what()));
    }
  }
  acquire(pool_for(url), std::move(exchange));
}

Pool& ClientCore::pool_for(const Url& url) {
  std::string key = url.origin();
  auto it = pools_.find(key);
  if (it == pools_.end()) {
    Url origin = url;
    origin.target.clear();
    it = pools_.emplace(std::move(key), std::make_unique<Pool>(std::move(origin), executor_)).first;
  }
  return *it->second;
}

bool ClientCore::send_on_idle(Pool& pool, ExchangePtr& exchange) {
  const auto now = Clock::now();
  while (!pool.idle.empty()) {
    ConnectionPtr connection = std::move(pool.idle.back());
    pool.idle.pop_back();
    if (now - connection->idle_since >= options_.idle_timeout) {
      connection->close();
      forget(pool, connection.get());
      continue;
    }
    stat_reused.fetch_add(1, std::memory_order_relaxed);
    connection->send(std::move(exchange));
    return true;
  }
  return false;
}

void ClientCore::acquire(Pool& pool, ExchangePtr exchange) {
  if (pool.queue.empty() && send_on_idle(pool, exchange)) return;
  if (pool.queue.empty() && pool.open < options_.max_connections_per_host) {
    return open_connection(pool, std::move(exchange));
  }
  if (pool.queue.size() >= options_.max_queued_per_host) {
    stat_overloaded.fetch_add(1, std::memory_order_relaxed);
    return complete(*exchange, make_error(TransportErrorKind::kOverloaded,
                                          "too many requests waiting for " + pool.origin.host_header() +
                                              ". Hint: raise max_queued_per_host or max_connections_per_host"));
  }
  pool.queue.push_back(std::move(exchange));
  pump(pool);
}

void ClientCore::open_connection(Pool& pool, ExchangePtr exchange) {
  ++pool.open;
  stat_opened.fetch_add(1, std::memory_order_relaxed);
  ConnectionPtr connection;
  if (pool.origin.tls) {
    auto c = std::make_shared<ConnectionImpl<TlsStream>>(shared_from_this(), pool, executor_, tls_context());
    connection = c;
    live_.insert(connection.get());
    c->start(std::move(exchange));
  } else {
    auto c = std::make_shared<ConnectionImpl<PlainStream>>(shared_from_this(), pool, executor_);
    connection = c;
    live_.insert(connection.get());
    c->start(std::move(exchange));
  }
}

void ClientCore::forget(Pool& pool, Connection* connection) {
  if (live_.erase(connection) > 0 && pool.open > 0) --pool.open;
}

void ClientCore::pump(Pool& pool) {
  while (!pool.queue.empty() && !closed_) {
    if (send_on_idle(pool, pool.queue.front())) {
      pool.queue.pop_front();
      continue;
    }
    if (pool.open >= options_.max_connections_per_host) break;
    ExchangePtr exchange = std::move(pool.queue.front());
    pool.queue.pop_front();
    open_connection(pool, std::move(exchange));
  }
}

void ClientCore::release(Pool& pool, ConnectionPtr connection, bool keep_alive) {
  if (!keep_alive || closed_) {
    connection->close();
    forget(pool, connection.get());
    pump(pool);
    return;
  }
  if (!pool.queue.empty()) {
    ExchangePtr next = std::move(pool.queue.front());
    pool.queue.pop_front();
    stat_reused.fetch_add(1, std::memory_order_relaxed);
    connection->send(std::move(next));
    return;
  }
  connection->idle_since = Clock::now();
  pool.idle.push_back(std::move(connection));
  arm_sweep(pool);
}

void ClientCore::failed(Pool& pool, Connection* connection, ExchangePtr exchange, bool stale, TransportError error) {
  forget(pool, connection);
  if (stale && !closed_) {
    // The server closed a kept-alive connection before answering: nothing was processed,
    // so send it once more on a fresh connection (this slot was just freed).
    exchange->retried = true;
    stat_stale_retries.fetch_add(1, std::memory_order_relaxed);
    open_connection(pool, std::move(exchange));
    return;
  }
  pump(pool);
  if (closed_) error = make_error(TransportErrorKind::kCancelled, "the HTTP client was shut down");
  complete(*exchange, HttpResult(std::move(error)));
}

void ClientCore::arm_sweep(Pool& pool) {
  if (pool.sweep_armed || closed_) return;
  pool.sweep_armed = true;
  const auto when = pool.idle.empty() ? Clock::now() + options_.idle_timeout
                                      : pool.idle.front()->idle_since + options_.idle_timeout;
  pool.sweep.expires_at(when);
  pool.sweep.async_wait([weak = weak_from_this(), &pool](const beast::error_code& ec) {
    const auto self = weak.lock();
    if (!self) return;  // the pool is gone with the core
    pool.sweep_armed = false;
    if (ec || self->closed_) return;
    self->sweep(pool);
  });
}

void ClientCore::sweep(Pool& pool) {
  const auto now = Clock::now();
  std::size_t expired = 0;
  while (expired < pool.idle.size() && now - pool.idle[expired]->idle_since >= options_.idle_timeout) ++expired;
  for (std::size_t i = 0; i < expired; ++i) {
    forget(pool, pool.idle[i].get());
    pool.idle[i]->retire();
  }
  pool.idle.erase(pool.idle.begin(), pool.idle.begin() + static_cast<std::ptrdiff_t>(expired));
  if (!pool.idle.empty()) arm_sweep(pool);
}

void ClientCore::resolve(const Url& origin, std::function<void(const beast::error_code&, const Endpoints&)> done) {
  beast::error_code not_ip;
  const asio::ip::address address = asio::ip::make_address(origin.host, not_ip);
  if (!not_ip) {
    const Endpoints endpoints{tcp::endpoint(address, origin.port)};
    return done({}, endpoints);
  }
  std::string key = origin.host + ':' + std::to_string(origin.port);
  const auto now = Clock::now();
  if (auto it = dns_cache_.find(key); it != dns_cache_.end()) {
    if (it->second.expires > now) return done({}, it->second.endpoints);
    dns_cache_.erase(it);
  }
  if (auto it = resolving_.find(key); it != resolving_.end()) {
    it->second->waiters.push_back(std::move(done));
    return;
  }
  auto pending = std::make_shared<PendingResolve>(executor_);
  pending->waiters.push_back(std::move(done));
  resolving_.emplace(key, pending);
  pending->timer.expires_after(options_.connect_timeout);
  pending->timer.async_wait([pending](const beast::error_code& ec) {
    if (ec) return;
    pending->timed_out = true;
    pending->resolver.cancel();
  });
  pending->resolver.async_resolve(
      origin.host, std::to_string(origin.port),
      [weak = weak_from_this(), pending, key](const beast::error_code& ec, tcp::resolver::results_type results) {
        pending->timer.cancel();
        const auto self = weak.lock();
        Endpoints endpoints;
        beast::error_code error = ec;
        if (!self) {
          error = asio::error::operation_aborted;
        } else {
          if (auto it = self->resolving_.find(key); it != self->resolving_.end() && it->second == pending) {
            self->resolving_.erase(it);
          }
          if (pending->timed_out) error = beast::error::timeout;
          if (!error) {
            for (const auto& entry : results) endpoints.push_back(entry.endpoint());
            if (endpoints.empty()) error = asio::error::host_not_found;
          }
          if (!error && self->options_.dns_ttl.count() > 0) {
            self->dns_cache_[key] = DnsEntry{endpoints, Clock::now() + self->options_.dns_ttl};
          }
        }
        for (auto& waiter : pending->waiters) waiter(error, endpoints);
      });
}

void ClientCore::post_result(ExchangePtr exchange, TransportError error) {
  asio::post(executor_, [exchange = std::shared_ptr<Exchange>(std::move(exchange)), error = std::move(error)]() mutable {
    complete(*exchange, HttpResult(std::move(error)));
  });
}

void ClientCore::shutdown() {
  if (closed_) return;
  closed_ = true;
  for (auto& [key, pool] : pools_) {
    pool->sweep.cancel();
    for (ExchangePtr& exchange : pool->queue) {
      post_result(std::move(exchange), make_error(TransportErrorKind::kCancelled, "the HTTP client was shut down"));
    }
    pool->queue.clear();
    for (ConnectionPtr& connection : pool->idle) {
      forget(*pool, connection.get());
      connection->close();
    }
    pool->idle.clear();
  }
  for (auto& [key, pending] : resolving_) {
    pending->timer.cancel();
    pending->resolver.cancel();
  }
  // Busy connections: their operations complete with operation_aborted, and their
  // callbacks report kCancelled.
  const std::vector<Connection*> busy(live_.begin(), live_.end());
  for (Connection* connection : busy) connection->close();
}

// ---------------------------------------------------------------------------------------
// HttpClient

struct HttpClient::Impl : ClientCore {
  using ClientCore::ClientCore;
};

HttpClient::HttpClient(asio::io_context& io, HttpClientOptions options)
    : impl_(std::make_shared<Impl>(io, std::move(options))) {}

HttpClient::~HttpClient() {
  std::shared_ptr<ClientCore> core = impl_;
  // On the strand nothing else can touch the core: shut down now. Otherwise the strand
  // does it; if the io_context never runs again, the posted handler (the last owner of
  // the core) is destroyed with it, and so are the connections.
  if (core->on_client_thread()) {
    core->shutdown();
  } else {
    asio::post(core->executor(), [core] { core->shutdown(); });
  }
}

void HttpClient::request(HttpRequest request, HttpCallback callback) {
  impl_->stat_requests.fetch_add(1, std::memory_order_relaxed);
  asio::post(impl_->executor(), [core = std::static_pointer_cast<ClientCore>(impl_), request = std::move(request),
                               callback = std::move(callback)]() mutable {
    core->submit(std::move(request), std::move(callback));
  });
}

HttpClientStats HttpClient::stats() const noexcept {
  HttpClientStats s;
  s.requests = impl_->stat_requests.load(std::memory_order_relaxed);
  s.connections_opened = impl_->stat_opened.load(std::memory_order_relaxed);
  s.connections_reused = impl_->stat_reused.load(std::memory_order_relaxed);
  s.stale_retries = impl_->stat_stale_retries.load(std::memory_order_relaxed);
  s.overloaded = impl_->stat_overloaded.load(std::memory_order_relaxed);
  return s;
}

}  // namespace switchboard::providers
