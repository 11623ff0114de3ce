// The sink's sockets: plain and TLS HTTP/1.1 keep-alive servers on Boost.Beast, one
// thread. The only Beast translation unit of the sink; SinkApp decides every answer.
// (worker/http/http_server.h serves plain HTTP only and has no hooks to drop connections
// or count them per TLS/plain, so the sink keeps this small server of its own.)

#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "worker/sink/self_signed_cert.h"
#include "worker/sink/sink.h"
#include "worker/sink/sink_app.h"

namespace switchboard::sink {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;

constexpr auto kHandshakeTimeout = std::chrono::seconds(10);
constexpr auto kWriteTimeout = std::chrono::seconds(10);
constexpr std::uint64_t kMaxBody = 16u << 20;

char lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

struct Shared {
  SinkApp& app;
  const SinkOptions& options;
  std::uint64_t next_connection = 1;
};

template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

 public:
  template <class... Args>
  Session(Shared& shared, Args&&... args)
      : shared_(shared), stream_(std::forward<Args>(args)...), delay_(tcp_layer().socket().get_executor()) {
    connection_.id = shared_.next_connection++;
    connection_.tls = kTls;
  }

  void run() {
    beast::error_code ignored;
    tcp_layer().socket().set_option(tcp::no_delay(true), ignored);
    if constexpr (kTls) {
      tcp_layer().expires_after(kHandshakeTimeout);
      stream_.async_handshake(ssl::stream_base::server, [self = this->shared_from_this()](const beast::error_code& ec) {
        if (ec) return self->close();
        self->read();
      });
    } else {
      read();
    }
  }

 private:
  beast::tcp_stream& tcp_layer() noexcept { return beast::get_lowest_layer(stream_); }

  void read() {
    parser_.emplace();
    parser_->body_limit(kMaxBody);
    // Waiting for the next request is the keep-alive idle time: when it runs out, the
    // server closes the connection, as real providers do.
    tcp_layer().expires_after(std::chrono::milliseconds(shared_.options.idle_timeout_ms));
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = this->shared_from_this()](const beast::error_code& ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(const beast::error_code& ec) {
    if (ec == bhttp::error::end_of_stream) return shutdown();
    if (ec) return close();
    bhttp::request<bhttp::string_body> message = parser_->release();
    parser_.reset();
    SinkRequest request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    request.headers.reserve(8);
    for (const auto& field : message) {
      SinkHeader header;
      const auto name = field.name_string();
      header.name.resize(name.size());
      for (std::size_t i = 0; i < name.size(); ++i) header.name[i] = lower(name[i]);
      const auto value = field.value();
      header.value.assign(value.data(), value.size());
      request.headers.push_back(std::move(header));
    }
    request.body = std::move(message.body());
    SinkResponse answer = shared_.app.handle(request, connection_);
    if (answer.drop) return close();

    response_ = {};
    response_.result(static_cast<unsigned>(answer.status));
    response_.version(message.version());
    response_.set(bhttp::field::server, "switchboard-sink");
    for (const SinkHeader& header : answer.headers) response_.insert(header.name, header.value);
    response_.body() = std::move(answer.body);
    response_.keep_alive(message.keep_alive());
    response_.prepare_payload();
    if (answer.delay.count() > 0) {
      delay_.expires_after(answer.delay);
      delay_.async_wait([self = this->shared_from_this()](const beast::error_code& e) {
        if (e) return self->close();
        self->write();
      });
    } else {
      write();
    }
  }

  void write() {
    tcp_layer().expires_after(kWriteTimeout);
    bhttp::async_write(stream_, response_, [self = this->shared_from_this()](const beast::error_code& ec, std::size_t) {
      if (ec) return self->close();
      if (!self->response_.keep_alive()) return self->shutdown();
      self->read();
    });
  }

  // The peer is done (or we are): TLS close_notify, then close.
  void shutdown() {
    if constexpr (kTls) {
      tcp_layer().expires_after(std::chrono::seconds(2));
      stream_.async_shutdown([self = this->shared_from_this()](const beast::error_code&) { self->close(); });
    } else {
      beast::error_code ignored;
      tcp_layer().socket().shutdown(tcp::socket::shutdown_send, ignored);
      close();
    }
  }

  void close() {
    delay_.cancel();
    tcp_layer().close();
  }

  Shared& shared_;
  Stream stream_;
  asio::steady_timer delay_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bhttp::response<bhttp::string_body> response_;
  SinkConnection connection_;
};

class Listener {
 public:
  Listener(asio::io_context& io, Shared& shared, const tcp::endpoint& endpoint, ssl::context* tls)
      : shared_(shared), acceptor_(io), tls_(tls) {
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(asio::socket_base::max_listen_connections);
  }

  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  void start() { accept(); }
  void stop() {
    beast::error_code ignored;
    acceptor_.close(ignored);
  }

 private:
  void accept() {
    acceptor_.async_accept([this](const beast::error_code& ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
      if (!ec) {
        shared_.app.on_accept(tls_ != nullptr);
        if (tls_) {
          std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(shared_, std::move(socket), *tls_)->run();
        } else {
          std::make_shared<Session<beast::tcp_stream>>(shared_, std::move(socket))->run();
        }
      }
      accept();
    });
  }

  Shared& shared_;
  tcp::acceptor acceptor_;
  ssl::context* tls_;
};

std::string make_temp_dir() {
  std::string pattern = "/tmp/switchboard-sink-XXXXXX";
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("cannot create a temporary certificate directory");
  return pattern;
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

}  // namespace

int run_sink(const SinkOptions& options) {
  if (const std::string problem = validate_sink_options(options); !problem.empty()) {
    std::cerr << "switchboard sink: " << problem << "\n";
    return 2;
  }
  try {
    // Declaration order matters: sessions still queued in `io` when it is destroyed refer
    // to the app, `shared` and the TLS context, so those are declared first.
    SinkApp app(options);
    Shared shared{app, options};
    const asio::ip::address address = asio::ip::make_address(options.bind);
    std::optional<ssl::context> tls;
    CertFiles cert;
    if (options.tls_port >= 0) {
      cert = write_self_signed_cert(options.cert_dir.empty() ? make_temp_dir() : options.cert_dir);
      tls.emplace(ssl::context::tls_server);
      tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                       ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
      tls->use_certificate_chain_file(cert.cert_pem);
      tls->use_private_key_file(cert.key_pem, ssl::context::pem);
    }
    asio::io_context io(1);
    Listener plain(io, shared, tcp::endpoint(address, static_cast<std::uint16_t>(options.port)), nullptr);
    std::optional<Listener> secure;
    if (tls) secure.emplace(io, shared, tcp::endpoint(address, static_cast<std::uint16_t>(options.tls_port)), &*tls);

    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const beast::error_code& ec, int) {
      if (ec) return;
      plain.stop();
      if (secure) secure->stop();
      io.stop();
    });

    plain.start();
    if (secure) secure->start();
    std::string line = "{\"event\":\"sink_listening\",\"bind\":" + json_string(options.bind) +
                       ",\"http_port\":" + std::to_string(plain.port());
    if (secure) line += ",\"https_port\":" + std::to_string(secure->port()) + ",\"cert\":" + json_string(cert.cert_pem);
    std::cout << line << "}" << std::endl;

    io.run();
    std::cerr << "{\"event\":\"sink_stopped\",\"stats\":" << app.stats_json() << "}" << std::endl;
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "switchboard sink: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace switchboard::sink
